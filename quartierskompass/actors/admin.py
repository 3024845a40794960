from django.contrib import admin

from quartierskompass.actors.models import Actor, ActorType


@admin.register(ActorType)
class ActorTypeAdmin(admin.ModelAdmin):
    list_display = ["label_de", "label_en", "code", "category", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["category", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # codes are in use in exports; switch a type off instead


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "actor_type", "project"]
    list_filter = ["project", "actor_type"]
    search_fields = ["name"]
