from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("homeward.api.urls", namespace="api")),
    path("", include("homeward.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# JSON under /api/, the service's own pages elsewhere.
handler400 = "homeward.api.errors.handler400"
handler404 = "homeward.api.errors.handler404"
handler500 = "homeward.api.errors.handler500"
