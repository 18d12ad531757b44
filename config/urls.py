"""Top-level URLs. Each app owns its own urls.py; the admin signs in through allauth."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.oidc import oidc_callback
from api.v1 import api
from config.favicon import favicon
from config.health import healthz, readyz
from demo.feeds import demo_feed_view
from lessons import views as lesson_views
from purchases.webhooks import stripe_webhook

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Learn ⚡ curation"
admin.site.site_title = "Learn ⚡ admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("demo/feeds/<slug:name>.xml", demo_feed_view, name="demo_feed"),  # 404 unless the demo's feeds are on
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Ahead of allauth's own route for the same URL: this one also checks the id token's signature (accounts/oidc.py).
    path("accounts/oidc/<str:provider_id>/login/callback/", oidc_callback, name="oidc_callback"),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("credits/", include("credits.urls")),
    path("credits/", include("purchases.urls")),
    path("stripe/webhook", stripe_webhook, name="stripe_webhook"),
    path("", include("accounts.urls")),
    path("", include("tutor.urls")),
    path("", include("lessons.urls")),
    path("", include("gamification.urls")),
    path("", include("practice.check_urls")),
    path("", include("privacy.urls")),
    path("", include("practice.urls")),
    path("", lesson_views.home, name="home"),
]
