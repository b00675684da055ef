"""Units (đơn vị): the committee's tree that sessions, reports and accounts belong to.

``tree`` holds the services (create, edit, move, retire) and the tree as one list; ``files``
the CSV/XLSX import (all rows or none, re-import updates by code) and export.
"""

from .files import (HEADERS as FILE_HEADERS, UnitPreview, build_preview, export_csv,
                    export_xlsx, import_units, preview_rows, template_csv, template_xlsx)
from .tree import (UNIT_DEFAULTS, TreeRow, ancestors, create_unit, descendant_ids, retire_unit,
                   unit_tree, unit_values, update_unit)

__all__ = [
    "FILE_HEADERS", "UNIT_DEFAULTS", "TreeRow", "UnitPreview", "ancestors", "build_preview",
    "create_unit",
    "descendant_ids", "export_csv", "export_xlsx", "import_units", "preview_rows", "retire_unit",
    "template_csv", "template_xlsx", "unit_tree", "unit_values", "update_unit",
]
