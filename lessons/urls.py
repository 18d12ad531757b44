"""URLs of the catalog, the lesson pages, courses and progress (the home page is wired in config/urls.py)."""

from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.catalog, name="catalog"),
    path("lessons/progress/merge", views.progress_merge, name="progress_merge"),
    path("lessons/id/<int:pk>/", views.lesson_by_id, name="by_id"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="detail"),
    path("lessons/<slug:slug>/started", views.lesson_started, name="started"),
    path("lessons/<slug:slug>/material-request", views.material_request, name="material_request"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enrol", views.course_enrol, name="course_enrol"),
    path("my/courses/", views.my_courses, name="my_courses"),
    path("skills/", views.skills_index, name="skills"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill"),
]
