from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("homeward.api.urls", namespace="api")),
    path("", include("homeward.web.urls")),
]
# No route serves MEDIA_ROOT, not even in development: an uploaded file (a child's photograph) is
# sent only by a page that checks the relationship (web.views.files).

# JSON under /api/, the service's own pages elsewhere.
handler400 = "homeward.api.errors.handler400"
handler404 = "homeward.api.errors.handler404"
handler500 = "homeward.api.errors.handler500"
