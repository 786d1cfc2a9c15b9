from django.urls import include, path
from django.views.generic import RedirectView

from forbetter.framework.views import framework

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="partnerships:portfolio", permanent=False)),
    path("accounts/", include("forbetter.accounts.urls")),
    path("partnerships/", include("forbetter.partnerships.urls")),
    path("partnerships/", include("forbetter.appraisal.urls")),
    path("partnerships/", include("forbetter.risks.urls")),
    path("partnerships/", include("forbetter.performance.urls")),
    path("partnerships/", include("forbetter.payments.urls")),
    path("partnerships/", include("forbetter.procurement.urls")),
    path("partnerships/", include("forbetter.governance.urls")),
    path("partnerships/", include("forbetter.survey.urls")),
    path("partnerships/", include("forbetter.trust.urls")),
    path("partnerships/", include("forbetter.capacity.urls")),
    path("partnerships/", include("forbetter.keydates.urls")),
    path("partnerships/", include("forbetter.changes.urls")),
    path("partnerships/", include("forbetter.value.urls")),
    path("partnerships/", include("forbetter.remedies.urls")),
    path("partnerships/", include("forbetter.reviews.urls")),
    path("partnerships/", include("forbetter.notices.urls")),
    path("reminders/", include("forbetter.reminders.urls")),
    path("partnerships/", include("forbetter.imports.urls")),
    path("", include("forbetter.reports.urls")),
    path("framework/", framework, name="framework"),
    path("api/", include("forbetter.api.urls")),
]

handler400 = "forbetter.core.views.bad_request"
handler403 = "forbetter.core.views.permission_denied"
handler404 = "forbetter.core.views.page_not_found"
handler500 = "forbetter.core.views.server_error"

urlpatterns += [path("partnerships/", include("forbetter.opendata.urls"))]
