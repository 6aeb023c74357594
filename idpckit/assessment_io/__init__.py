"""Reading and writing assessments, in two parts (see each module's docstring).

* :mod:`.records`: an assessment as a record, the JSON file the kit saves and reads
  back; the checks every input passes (size, nesting, fields); the example reviews.
* :mod:`.sheets`: an assessment as a grading sheet a person fills in, CSV or XLSX,
  blank (``idpckit template``) or filled (``idpckit export``), and read back.

The names below are the public interface; import them from here.
"""

from .records import (
    MAX_BYTES,
    MAX_DEPTH,
    AssessmentError,
    example_paths,
    examples_dir,
    load_example,
    parse_assessment,
    read_assessment,
    validate_record,
    write_json,
)
from .sheets import (
    MAX_SOURCES_IN_SHEET,
    MAX_UNZIPPED,
    SHEET_MARK,
    SHEET_VERSION,
    TEMPLATE_SOURCES,
    from_table,
    template_bytes,
    to_csv_bytes,
    to_xlsx_bytes,
)

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_SOURCES_IN_SHEET",
    "MAX_UNZIPPED",
    "SHEET_MARK",
    "SHEET_VERSION",
    "TEMPLATE_SOURCES",
    "AssessmentError",
    "example_paths",
    "examples_dir",
    "from_table",
    "load_example",
    "parse_assessment",
    "read_assessment",
    "template_bytes",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "validate_record",
    "write_json",
]
