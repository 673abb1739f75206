from django.urls import URLPattern, path

from homeward.web.views import meetings

urlpatterns: list[URLPattern] = [
    path("children/<int:pk>/meetings/new/", meetings.new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.detail, name="meeting"),
]
