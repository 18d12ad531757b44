"""URLs of gamification: the profile, the leaderboard, and the lesson page's completion endpoints."""

from django.urls import path

from gamification import views

app_name = "gamification"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/goal", views.daily_goal_update, name="daily_goal"),
    path("me/leagues", views.league_opt_out_update, name="league_opt_out"),
    path("me/freezes", views.freeze_purchase, name="freeze_buy"),
    path("me/welcome", views.welcome_close, name="welcome_dismiss"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("lessons/<slug:slug>/opened", views.lesson_opened, name="lesson_opened"),
    path("lessons/<slug:slug>/check", views.lesson_check, name="lesson_check"),
    path("lessons/<slug:slug>/complete", views.lesson_complete, name="lesson_complete"),
]
