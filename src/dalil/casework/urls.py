"""Case work pages, mounted under /cases/<number>/ (every view takes the case number first)."""

from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("journal/", views.journal_list, name="journal_list"),
    path("journal/new/", views.journal_create, name="journal_create"),
    path("journal/<int:pk>/", views.journal_detail, name="journal_detail"),
    path("journal/<int:pk>/amend/", views.journal_amend, name="journal_amend"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("timeline/", views.timeline, name="timeline"),
]
