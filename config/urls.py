from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog

# set_language lives inside the language prefix so that, posted from /en/…, it can resolve the
# English URL in `next` and translate it back to French.
urlpatterns: list[URLPattern | URLResolver] = i18n_patterns(
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("maillage.core.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("territoires/", include("maillage.territories.urls")),
    path("secteurs/", include("maillage.sectors.urls")),
    path("annuaire/", include("maillage.directory.urls")),
    path("vie-democratique/tirage-au-sort/", include("maillage.sortition.urls")),
    path("vie-democratique/", include("maillage.democracy.urls")),
    path("mesures/ecologie/", include("maillage.ecology.urls")),
    path("mesures/", include("maillage.indicators.urls")),
    path("parrainage/", include("maillage.mentoring.urls")),
    path("intercooperation/besoins/", include("maillage.exchange.urls")),
    path("intercooperation/achats/", include("maillage.purchases.urls")),
    path("intercooperation/marches-publics/", include("maillage.public_procurement.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
