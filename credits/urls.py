"""URLs of the learner's credit statement (the packs and purchases under /credits/ are purchases.urls)."""

from django.urls import path

from credits import views

app_name = "credits"

urlpatterns = [
    path("", views.statement_view, name="statement"),
    path("statement.csv", views.statement_csv_view, name="statement_csv"),
]
