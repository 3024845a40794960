from django.contrib import admin

from quartierskompass.soni.models import GuidingQuestion, Principle, WorkForm


class ReadOnlyAdmin(admin.ModelAdmin):
    """The model's wording comes from soni/content.py and is synced on every migrate."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkForm)
class WorkFormAdmin(ReadOnlyAdmin):
    list_display = ["code", "field", "label_de", "label_en"]
    list_filter = ["field"]


@admin.register(Principle)
class PrincipleAdmin(ReadOnlyAdmin):
    list_display = ["code", "label_de", "label_en"]


@admin.register(GuidingQuestion)
class GuidingQuestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "field", "text_de"]
    list_filter = ["field"]
