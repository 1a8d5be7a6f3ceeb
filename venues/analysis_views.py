"""企业安全分析报告: each venue's monthly and yearly safety analysis report for its owner and for
staff (a printable page and a PDF), and the town's report. (Issue 12, part C: to be built.)"""

from django.http import Http404
from django.urls import path


def owner_report(request, venue_id):
    raise Http404


def owner_report_pdf(request, venue_id):
    raise Http404


# /owner/...
owner_urls = [
    path("venues/<int:venue_id>/report/", owner_report, name="venue_report"),
    path("venues/<int:venue_id>/report.pdf", owner_report_pdf, name="venue_report_pdf"),
]
# /admin/...
admin_urls = []
