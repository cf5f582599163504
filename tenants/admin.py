"""Screens: members and invitations in a company's workspace; companies,
domains and users in the landlord admin. Writes go through tenants.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminTextInputWidget

from opsplatform.admin import LandlordModelAdmin, TenantModelAdmin, landlord_site, tenant_site
from opsplatform.refusals import show_refusal
from tenants import services
from tenants.forms import RolesField
from tenants.models import Domain, Invitation, Membership, RoleGrant, Tenant, User
from tenants.roles import RoleCode
from tenants.selectors import memberships_of_user, tenants_with_counts

# == the tenant workspace ====================================================


class RoleFilter(SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return RoleCode.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(role_grants__role=self.value()).distinct()
        return queryset


class MembershipForm(forms.ModelForm):
    roles = RolesField()

    class Meta:
        model = Membership
        fields = ["roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_codes())


@admin.register(Membership, site=tenant_site)
class MembershipAdmin(TenantModelAdmin):
    form = MembershipForm
    list_display = ["member_email", "member_name", "roles_display", "status_badge", "joined_at"]
    list_select_related = ["user"]
    list_filter = ["status", RoleFilter]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = ["user", "status", "joined_at"]
    fields = ["user", "status", "joined_at", "roles"]
    actions = ["deactivate", "reactivate"]
    ordering = ["user__email"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        )

    @display(description=_("email"), ordering="user__email")
    def member_email(self, obj):
        return obj.user.email

    @display(description=_("name"), ordering="user__full_name")
    def member_name(self, obj):
        return obj.user.full_name

    @display(description=_("roles"))
    def roles_display(self, obj):
        return ", ".join(str(grant.get_role_display()) for grant in obj.role_grants.all())

    @display(
        description=_("status"),
        label={Membership.Status.ACTIVE: "success", Membership.Status.DEACTIVATED: "danger"},
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def save_model(self, request, obj, form, change):
        services.membership_set_roles(
            membership=obj, roles=form.cleaned_data["roles"], by=request.user
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            show_refusal(request, error)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.path)

    @action(description=_("Deactivate selected members"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._each(request, queryset, services.membership_deactivate, _("Deactivated %(who)s."))

    @action(description=_("Reactivate selected members"), permissions=["change"])
    def reactivate(self, request, queryset):
        self._each(request, queryset, services.membership_reactivate, _("Reactivated %(who)s."))

    def _each(self, request, queryset, service, done_message):
        for membership in queryset.select_related("user"):
            try:
                service(membership=membership, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, f"{membership.user.email}: {message}")
            else:
                messages.success(request, done_message % {"who": membership.user.email})


class InvitationForm(forms.ModelForm):
    roles = RolesField(initial=[RoleCode.EMPLOYEE])

    class Meta:
        model = Invitation
        fields = ["email", "roles"]
        widgets = {"email": UnfoldAdminEmailInputWidget}


@admin.register(Invitation, site=tenant_site)
class InvitationAdmin(TenantModelAdmin):
    form = InvitationForm
    list_display = [
        "email",
        "roles_display",
        "status_badge",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_select_related = ["invited_by"]
    search_fields = ["email"]
    actions = ["resend", "revoke"]
    ordering = ["-created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "roles"]
        return ["email", "roles_display", "status_badge", "invited_by", "created_at", "expires_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    @display(description=_("roles"))
    def roles_display(self, obj):
        return ", ".join(obj.role_labels())

    @display(
        description=_("status"),
        label={
            Invitation.Status.PENDING: "info",
            Invitation.Status.ACCEPTED: "success",
            Invitation.Status.REVOKED: "danger",
            Invitation.Status.EXPIRED: "warning",
        },
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_label()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            return form_class

        class CreateInvitationForm(form_class):
            def _post_clean(inner):  # a form method
                # The service is the single place an invitation is made; the form
                # runs it so that its refusals show as form errors.
                if inner.errors:
                    return
                try:
                    inner.instance = services.invitation_create(
                        tenant=request.tenant,
                        email=inner.cleaned_data["email"],
                        roles=inner.cleaned_data["roles"],
                        invited_by=request.user,
                    )
                except ValidationError as error:
                    inner._update_errors(error)

        return CreateInvitationForm

    def save_model(self, request, obj, form, change):
        # Already saved by invitation_create in the form's validation.
        return None

    def save_related(self, request, form, formsets, change):
        return None

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": obj.email})
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        return HttpResponseRedirect(reverse("admin:tenants_invitation_changelist"))

    @action(description=_("Resend selected invitations"), permissions=["change"])
    def resend(self, request, queryset):
        for invitation in queryset:
            try:
                services.invitation_resend(invitation=invitation)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, f"{invitation.email}: {message}")
            else:
                messages.success(request, _("Resent to %(email)s.") % {"email": invitation.email})

    @action(description=_("Revoke selected invitations"), permissions=["change"])
    def revoke(self, request, queryset):
        for invitation in queryset:
            try:
                services.invitation_revoke(invitation=invitation)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, f"{invitation.email}: {message}")
            else:
                messages.success(request, _("Revoked %(email)s.") % {"email": invitation.email})


# == the landlord admin ======================================================


class DomainInline(TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class TenantForm(forms.ModelForm):
    owner_email = forms.EmailField(
        label=_("Invite an owner"),
        required=False,
        widget=UnfoldAdminEmailInputWidget,
        help_text=_("We email this person a link to set a password and open the workspace."),
    )

    class Meta:
        model = Tenant
        fields = ["name", "slug", "time_zone", "currency", "default_language", "logo"]


@admin.register(Tenant, site=landlord_site)
class TenantAdmin(LandlordModelAdmin):
    form = TenantForm
    list_display = [
        "name",
        "slug",
        "status_badge",
        "primary_domain_display",
        "member_count",
        "created_at",
    ]
    search_fields = ["name", "slug", "domains__domain"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "suspended_reason", "created_at"]
    actions = ["suspend", "reactivate"]
    actions_detail = ["suspend_detail", "reactivate_detail"]

    def get_queryset(self, request):
        return tenants_with_counts()

    def get_fieldsets(self, request, obj=None):
        main = ["name", "slug", "time_zone", "currency", "default_language", "logo"]
        fieldsets = [(None, {"fields": main}), (_("Owner"), {"fields": ["owner_email"]})]
        if obj is not None:
            fieldsets.append(
                (_("Status"), {"fields": ["status", "suspended_reason", "created_at"]})
            )
        return fieldsets

    def get_inlines(self, request, obj):
        return [DomainInline] if obj is not None else []

    @display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count or 0

    @display(description=_("address"))
    def primary_domain_display(self, obj):
        domains = sorted(obj.domains.all(), key=lambda d: (not d.is_primary, d.pk))
        return domains[0].domain if domains else "-"

    @display(
        description=_("status"),
        label={Tenant.Status.ACTIVE: "success", Tenant.Status.SUSPENDED: "danger"},
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def save_model(self, request, obj, form, change):
        owner_email = form.cleaned_data.get("owner_email")
        if not change:
            created = services.tenant_create(
                name=obj.name,
                slug=obj.slug,
                time_zone=obj.time_zone,
                currency=obj.currency,
                default_language=obj.default_language,
                logo=form.cleaned_data.get("logo"),
                owner_email=owner_email or "",
                invited_by=request.user,
            )
            obj.pk = created.pk
            obj._state.adding = False
        else:
            super().save_model(request, obj, form, change)
            if owner_email:
                services.invitation_create(
                    tenant=obj,
                    email=owner_email,
                    roles=[RoleCode.OWNER],
                    invited_by=request.user,
                    as_platform=True,
                )
        if owner_email:
            messages.info(request, _("Invitation sent to %(email)s.") % {"email": owner_email})

    @action(description=_("Suspend selected companies"), permissions=["change"])
    def suspend(self, request, queryset):
        for tenant in queryset:
            services.tenant_suspend(
                tenant=tenant, reason=str(_("Suspended by platform staff")), by=request.user
            )
        messages.success(request, _("Suspended %(n)d companies.") % {"n": queryset.count()})

    @action(description=_("Reactivate selected companies"), permissions=["change"])
    def reactivate(self, request, queryset):
        for tenant in queryset:
            services.tenant_reactivate(tenant=tenant, by=request.user)
        messages.success(request, _("Reactivated %(n)d companies.") % {"n": queryset.count()})

    # POST only: the admin base answers a GET with "Suspend Acme Corp?" and a button.
    @action(description=_("Suspend"), url_path="suspend", permissions=["change"])
    def suspend_detail(self, request, object_id):
        from django.shortcuts import get_object_or_404, redirect

        tenant = get_object_or_404(Tenant, pk=object_id)
        services.tenant_suspend(
            tenant=tenant, reason=str(_("Suspended by platform staff")), by=request.user
        )
        messages.success(request, _("%(name)s is suspended.") % {"name": tenant.name})
        return redirect("admin:tenants_tenant_change", object_id)

    @action(description=_("Reactivate"), url_path="reactivate", permissions=["change"])
    def reactivate_detail(self, request, object_id):
        from django.shortcuts import get_object_or_404, redirect

        tenant = get_object_or_404(Tenant, pk=object_id)
        services.tenant_reactivate(tenant=tenant, by=request.user)
        messages.success(request, _("%(name)s is active again.") % {"name": tenant.name})
        return redirect("admin:tenants_tenant_change", object_id)


@admin.register(Domain, site=landlord_site)
class DomainAdmin(LandlordModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_select_related = ["tenant"]
    search_fields = ["domain", "tenant__name"]
    autocomplete_fields = ["tenant"]


class UserLandlordForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "language", "is_active", "is_staff", "is_superuser"]
        widgets = {"full_name": UnfoldAdminTextInputWidget}


@admin.register(User, site=landlord_site)
class UserAdmin(LandlordModelAdmin):
    form = UserLandlordForm
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "companies"]

    @display(description=_("companies"))
    def companies(self, obj):
        """A person's companies, read-only: roles are changed by each company's owners."""
        memberships = memberships_of_user(user=obj)
        names = Tenant.objects.in_bulk({m.tenant_id for m in memberships})
        rows = sorted(
            (str(names[m.tenant_id]), m.get_status_display(), m.joined_at) for m in memberships
        )
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} ({}, {})",
                (
                    (name, status, date_format(joined, "DATE_FORMAT"))
                    for name, status, joined in rows
                ),
            )
            or "-"
        )

    # Only a superuser hands out (or takes away) superuser: staff with change_user
    # must not be able to raise themselves. For them the flag is read-only, so it
    # is not a form field and a forged POST value is ignored; and they cannot
    # edit a superuser's account at all (changing its email would be a takeover).
    # Groups and permissions are not on this form, for the same reason.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
