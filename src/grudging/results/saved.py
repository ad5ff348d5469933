"""The files a saved run is made of (:meth:`grudging.results.results.Results.save`), named in a
module light enough for the faces' checks of output paths, which run before numpy is imported."""

from __future__ import annotations

#: The tables a saved run holds, one Parquet file each.
SAVED_TABLES = ("experiments", "outcomes", "status", "region_months")
#: The file that marks a folder of saved results (written last).
METADATA_FILE = "metadata.json"
