from django.urls import path

from . import analysis_views, case_views, integrity_views, owner_views, views

app_name = "owner"

# The owner's face of the site: /owner/...
urlpatterns = [
    path("classify/", views.classify_view, name="classify"),
    path("photos/<int:photo_id>/", views.venue_photo, name="photo"),
    path("evidence/<int:photo_id>/", views.evidence_photo, name="evidence_photo"),
    path("", owner_views.home, name="home"),
    path("signup/", owner_views.signup, name="signup"),
    path("signup/confirm/", owner_views.signup_confirm, name="signup_confirm"),
    path("login/", owner_views.login_view, name="login"),
    path("logout/", owner_views.logout_view, name="logout"),
    path("reset/", owner_views.reset, name="reset"),
    path("reset/confirm/", owner_views.reset_confirm, name="reset_confirm"),
    path("messages/", owner_views.message_list, name="messages"),
    path("messages/<int:message_id>/", owner_views.message_detail, name="message"),
    path("messages/<int:message_id>/acknowledge/", owner_views.message_acknowledge,
         name="message_acknowledge"),
    path("reports/", owner_views.report_list, name="reports"),
    path("reports/new/<slug:kind>/", owner_views.report_new, name="report_new"),
    path("reports/<int:report_id>/", owner_views.report_detail, name="report"),
    path("claim/", owner_views.claim, name="claim"),
    path("data/", owner_views.my_data, name="my_data"),
    path("data/download/", owner_views.my_data_download, name="my_data_download"),
    path("data/correction/", owner_views.correction, name="correction"),
    path("account/", owner_views.account, name="account"),
    path("account/password/", owner_views.change_password, name="change_password"),
    path("account/mobile/", owner_views.change_mobile, name="change_mobile"),
    path("account/mobile/confirm/", owner_views.change_mobile_confirm, name="change_mobile_confirm"),
]

# Issue 12: integrity levels, serious cases, safety analysis reports.
urlpatterns += integrity_views.owner_urls + case_views.owner_urls + analysis_views.owner_urls
