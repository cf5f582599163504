def tenant(request):
    return {
        "current_tenant": getattr(request, "tenant", None),
        # unfold's language switch posts this as "next": back to the same page.
        "redirect_to": request.get_full_path(),
    }
