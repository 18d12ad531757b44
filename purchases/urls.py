"""URLs of the packs page and a learner's purchases, under /credits/ beside the statement (config/urls.py)."""

from django.urls import path

from purchases import views

app_name = "purchases"

urlpatterns = [
    path("packs/", views.packs_view, name="packs"),
    path("packs/<slug:slug>/buy/", views.pack_buy_view, name="pack_buy"),
    path("purchases/<int:purchase_id>/", views.purchase_view, name="purchase"),
    path("purchases/<int:purchase_id>/status/", views.purchase_status_view, name="purchase_status"),
]
