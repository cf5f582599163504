"""django-unfold configuration for the two admin sites.

``UNFOLD`` drives the tenant workspace (name, logo and company switcher come
from the current tenant); ``UNFOLD_LANDLORD`` drives the platform staff admin.
Callables are given as dotted paths so that nothing is imported at settings time.
"""

from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

COLORS = {
    "primary": {
        "50": "oklch(97.7% .014 254.604)",
        "100": "oklch(93.2% .032 255.585)",
        "200": "oklch(88.2% .059 254.128)",
        "300": "oklch(80.9% .105 251.813)",
        "400": "oklch(70.7% .165 254.624)",
        "500": "oklch(62.3% .214 259.815)",
        "600": "oklch(54.6% .245 262.881)",
        "700": "oklch(48.8% .243 264.376)",
        "800": "oklch(42.4% .199 265.638)",
        "900": "oklch(37.9% .146 265.522)",
        "950": "oklch(28.2% .091 267.935)",
    },
}

UNFOLD = {
    "SITE_TITLE": "opsplatform.admin.branding.site_title",
    "SITE_HEADER": "opsplatform.admin.branding.site_title",
    "SITE_SUBHEADER": "opsplatform.admin.branding.site_subheader",
    "SITE_LOGO": "opsplatform.admin.branding.site_logo",
    "SITE_SYMBOL": "apartment",
    "SITE_DROPDOWN": "opsplatform.admin.branding.company_switcher",
    "SITE_URL": None,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "LANGUAGES": {"action": reverse_lazy("language-switch")},
    "COLORS": COLORS,
    # The workspace's own style; each part adds its styles and scripts in its
    # module.py (``Module.styles`` / ``Module.scripts``), appended by TenantAdminSite.
    "STYLES": [
        lambda request: static("opsplatform/admin.css"),
    ],
    "DASHBOARD_CALLBACK": "opsplatform.admin.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "opsplatform.admin.navigation.tenant_navigation",
    },
}

UNFOLD_LANDLORD = {
    "SITE_TITLE": _("Platform administration"),
    "SITE_HEADER": _("Platform administration"),
    "SITE_SUBHEADER": _("Landlord"),
    "SITE_SYMBOL": "shield_person",
    "SITE_URL": None,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "LANGUAGES": {"action": reverse_lazy("language-switch")},
    "COLORS": {
        "primary": {
            "50": "oklch(96.9% .015 12.422)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "opsplatform.admin.navigation.landlord_navigation",
    },
}
