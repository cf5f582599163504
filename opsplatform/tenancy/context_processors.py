def tenant(request):
    return {"current_tenant": getattr(request, "tenant", None)}
