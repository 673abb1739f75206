from django.urls import URLPattern, path

from homeward.notifications import views

urlpatterns: list[URLPattern] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.message, name="message"),
    path("inbox/read/", views.mark_all_read, name="inbox_read"),
]
