from django.urls import URLPattern, path

from homeward.web.views import interviews

urlpatterns: list[URLPattern] = [
    path("episodes/<int:pk>/return-interview/", interviews.new, name="return_interview_new"),
    path("return-interviews/<int:pk>/", interviews.detail, name="return_interview"),
    path("return-interviews/<int:pk>/edit/", interviews.edit, name="return_interview_edit"),
]
