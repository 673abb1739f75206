from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from homeward.web.forms import SignInForm
from homeward.web.views import children, episodes, files, health, obligations, sign_in, work

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("sign-in/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("sign-in/code/", sign_in.code, name="sign_in_code"),
    path("sign-in/set-up/", sign_in.set_up, name="sign_in_set_up"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", work.currently_missing, name="home"),
    path("my-work/", work.my_work, name="my_work"),
    path("overdue/", work.overdue, name="overdue"),
    path("children/", children.child_list, name="children"),
    path("children/new/", children.child_create, name="child_new"),
    path("children/<int:pk>/", children.child_detail, name="child"),
    path("children/<int:pk>/edit/", children.child_edit, name="child_edit"),
    path("children/<int:pk>/photo/", files.child_photo, name="child_photo"),
    path("children/<int:pk>/placement/", children.placement_new, name="placement_new"),
    path("children/<int:pk>/find-me-plan/", children.find_me_plan, name="find_me_plan"),
    path("children/<int:pk>/risk-assessment/", children.risk_assessment_new, name="risk_assessment_new"),
    path("children/<int:pk>/director-review/", children.director_review, name="director_review"),
    path("children/<int:pk>/report/", episodes.report, name="report_episode"),
    path("children/<int:pk>/audit/", children.audit_trail, name="child_audit"),
    path("children/<int:pk>/subject-access/", children.subject_access, name="child_subject_access"),
    path("children/<int:pk>/restrict/", children.restrict, name="child_restrict"),
    path("episodes/<int:pk>/", episodes.detail, name="episode"),
    path("episodes/<int:pk>/details/", episodes.answers, name="episode_answers"),
    path("episodes/<int:pk>/reclassify/", episodes.reclassify, name="reclassify"),
    path("episodes/<int:pk>/risk/", episodes.grade, name="grade_risk"),
    path("episodes/<int:pk>/police/", episodes.police, name="police_informed"),
    path("episodes/<int:pk>/found/", episodes.found, name="found"),
    path("episodes/<int:pk>/media-interest/", episodes.media_interest, name="media_interest"),
    path("obligations/<int:pk>/close/", obligations.close, name="close_obligation"),
    path("", include("homeward.interviews.urls")),
    path("", include("homeward.meetings.urls")),
]
