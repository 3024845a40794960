from django.contrib import admin

from quartierskompass.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "code_system", "kind", "parent"]
    list_filter = ["code_system", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
