"""URLs of the learner's credit statement, the packs page and purchases."""

from django.urls import path

from credits import purchase_views, views

app_name = "credits"

urlpatterns = [
    path("", views.statement_view, name="statement"),
    path("statement.csv", views.statement_csv_view, name="statement_csv"),
    path("packs/", purchase_views.packs_view, name="packs"),
    path("packs/<slug:slug>/buy/", purchase_views.pack_buy_view, name="pack_buy"),
    path("purchases/<int:purchase_id>/", purchase_views.purchase_view, name="purchase"),
    path("purchases/<int:purchase_id>/status/", purchase_views.purchase_status_view, name="purchase_status"),
]
