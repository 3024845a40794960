from django.contrib import admin

from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "code_system", "kind", "parent"]
    list_filter = ["code_system", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    exclude = ["boundary"]  # thousands of coordinates; imported, not typed

    def get_queryset(self, request):
        return super().get_queryset(request).without_geometry()


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["label_de", "key", "kind", "unit", "polarity", "threshold", "source"]
    list_filter = ["kind", "polarity"]
    search_fields = ["key", "label_de", "label_en"]
    filter_horizontal = ["needs"]
    raw_id_fields = ["base"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "area", "date", "value", "suppressed"]
    list_filter = ["indicator", "date"]
    raw_id_fields = ["indicator", "area"]


@admin.register(ProjectArea)
class ProjectAreaAdmin(admin.ModelAdmin):
    list_display = ["project", "area"]
    raw_id_fields = ["area"]
