from django.urls import path

from . import views

app_name = "owner"

# The owner's face of the site: /owner/...
urlpatterns = [
    path("classify/", views.classify_view, name="classify"),
    path("photos/<int:photo_id>/", views.venue_photo, name="photo"),
]
