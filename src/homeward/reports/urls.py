from django.urls import URLPattern, path

from homeward.reports import views

urlpatterns: list[URLPattern] = [
    path("reports/", views.index, name="reports"),
    path("reports/oversight/", views.oversight, name="oversight_report"),
    path("reports/ssda903/", views.ssda903_page, name="ssda903"),
    path("reports/annex-a/", views.annex_a_page, name="annex_a"),
    path("reports/missing-briefing.pdf", views.briefing_pack, name="briefing_pack"),
    path("reports/children/<int:pk>/find-me-plan.pdf", views.find_me_plan_pdf, name="find_me_plan_pdf"),
]
