"""What is in an image folder: each file opened safely and checked, the report, and the cleaned mirror Keras reads.

labs.folders is the public side (scan_image_folder, clean_copy, load_image_folder); this room holds
the work behind it.
"""

import hashlib
import json
import os
import re
import shutil
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import config

MAX_PIXELS = 89_478_485  # Pillow's own decompression-bomb limit (about 9,500 x 9,500 pixels)

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff")

HEIC_EXTENSIONS = (".heic", ".heif")  # iPhones' default format: neither Pillow nor TensorFlow reads it

KERAS_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # what image_dataset_from_directory reads

# Pillow opens only these formats here: none of them runs an external program (EPS would run Ghostscript).
PIL_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")

# Formats TensorFlow decodes (an RGB one goes to Keras as it is; GIFs are palette images, so converted anyway).
KERAS_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "BMP")  # MPO: a camera's JPEG with extra pictures

MODE_WORDS = {"L": "greyscale", "LA": "greyscale + transparency", "RGBA": "RGBA", "RGBa": "RGBA", "P": "palette",
              "PA": "palette + transparency", "CMYK": "CMYK", "1": "black and white", "I;16": "16-bit",
              "I;16B": "16-bit", "I;16L": "16-bit", "I": "16/32-bit", "F": "32-bit float", "YCbCr": "YCbCr",
              "LAB": "LAB", "HSV": "HSV"}
HEIC_ADVICE = ("HEIC/HEIF photos: convert them to JPEG first. On a Mac, open them in Preview and use File → Export "
               "(format JPEG), or set Settings → Camera → Formats → Most Compatible on the iPhone before taking "
               "them; on Windows, open them in Photos and use Save as; anywhere, `pip install pillow-heif` and "
               "`heif-convert photo.heic photo.jpg`, or any photo editor's export.")

MIRROR_VERSION = 2  # bump when the mirror's layout or the conversions change

MIRROR_MARKER = ".labs-mirror.json"

EXAMPLES = 3  # file names shown per problem line

# Problem kinds, in the order the report prints them, with the words it uses.
PROBLEMS = {
    "unreadable": "unreadable image (skipped)",
    "not_image": "not an image (skipped)",
    "too_large": f"over {MAX_PIXELS:,} pixels (skipped)",
    "tiny": "under {min_size} pixels on a side (skipped)",
    "heic": "HEIC/HEIF photo, an iPhone's format (skipped: convert it to JPEG; see the note below)",
    "other_extension": "other file type (skipped)",
    "hidden": "hidden, name starts with '.' (skipped)",
    "outside_class": "outside any class folder (skipped)",
    "empty_class": "class folder with no usable image (left out)",
}


# --------------------------------------------------------------------------- the report


@dataclass(eq=False)
class FolderReport:
    """What scan_image_folder found: the images kept per class and every file skipped, by problem."""

    directory: str
    min_size: int
    kept: dict  # class name -> tuple of kept files, paths relative to directory ('cat/a.jpg')
    converted: dict  # kept file -> why it was converted to RGB ('RGBA', 'CMYK', ...)
    problems: dict  # problem kind (see PROBLEMS) -> tuple of (file or folder, detail)
    mirror: str = ""  # the cleaned copy Keras reads (set by load_image_folder)
    reused: bool = field(default=False, compare=False)  # True when the mirror was already there

    @property
    def class_names(self):
        """Return the classes with at least one kept image, sorted as Keras sorts them."""
        return [name for name in sorted(self.kept) if self.kept[name]]

    @property
    def num_images(self):
        """Return how many images were kept."""
        return sum(len(files) for files in self.kept.values())

    @property
    def num_skipped(self):
        """Return how many files (and folders) were skipped; empty class folders are not counted."""
        return sum(len(items) for kind, items in self.problems.items() if kind != "empty_class")

    def counts(self):
        """Return {problem kind: number of files}, plus 'converted', for every kind that occurred."""
        found = {kind: len(items) for kind, items in self.problems.items() if items}
        return {**({"converted": len(self.converted)} if self.converted else {}), **found}

    def summary(self):
        """Return the report as text: one line per kind of problem, then the images kept per class."""
        lines = [f"Image folder {shown(Path(self.directory).name)!r}: {self.num_images} images kept in "
                 f"{len(self.class_names)} classes ({len(self.converted)} converted to RGB), "
                 f"{self.num_skipped} files skipped."]
        rows = []
        if self.converted:
            rows.append(("converted to RGB (kept)", [f"{path} ({why})" for path, why in self.converted.items()]))
        for kind, words in PROBLEMS.items():
            items = self.problems.get(kind, ())
            if items:
                rows.append((words.format(min_size=self.min_size),
                             [f"{path} ({detail})" if detail else path for path, detail in items]))
        width = max((len(words) for words, _ in rows), default=0)
        for words, examples in rows:
            more = f", ... and {len(examples) - EXAMPLES} more" if len(examples) > EXAMPLES else ""
            lines.append(f"  {words:<{width}}  {len(examples):>4}: {shown(', '.join(examples[:EXAMPLES]))}{more}")
        if self.problems.get("heic"):
            lines.append(f"  Note: {HEIC_ADVICE}")
        lines.append("Images kept per class:" if self.class_names else "No images kept in any class folder.")
        name_width = max((len(shown(name)) for name in self.class_names), default=0)
        for name in self.class_names:
            lines.append(f"  {shown(name):<{name_width}}  {len(self.kept[name]):>5}")
        return "\n".join(lines)

    def __str__(self):
        return self.summary()

    def _repr_pretty_(self, printer, cycle):
        """Show the summary in Jupyter (a bare ``report`` at the end of a cell)."""
        printer.text(self.summary())


def shown(text):
    """Return ``text`` printable anywhere (a file name that is not valid UTF-8 shows its bytes escaped)."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

def open_image(path):
    """Open ``path`` with Pillow in the formats of PIL_FORMATS only (none of them runs a program)."""
    from PIL import Image

    return Image.open(path, formats=PIL_FORMATS)

def inspect_image_file(path, min_size):
    """Return (problem, detail, conversion reasons) for one image file; problem is None when it is usable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_image(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return "too_large", f"{width}x{height}", ()
                image.verify()  # checks the file's structure without decoding it
            with open_image(path) as image:  # verify() leaves the image unusable: open it again
                image.load()  # decodes every pixel: a truncated file fails here
                reasons = _conversion_reasons(path, image)
    except UnidentifiedImageError:
        return "not_image", "", ()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:  # Pillow's own guard
        found = re.search(r"\((\d+) pixels\)", str(error))
        return "too_large", f"{int(found.group(1)):,} pixels" if found else "", ()
    except Exception as error:  # Pillow raises many kinds of errors for broken files
        return "unreadable", short_error(error), ()
    if width < min_size or height < min_size:
        return "tiny", f"{width}x{height}", ()
    return None, "", reasons

def short_error(error):
    """Return an exception as a few words for the report ('image file is truncated')."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:60].rstrip(" .")

def _conversion_reasons(path, image):
    """Return why the loaded ``image`` cannot go to Keras as it is (empty when it can)."""
    reasons = []
    if image.mode != "RGB":
        reasons.append(MODE_WORDS.get(image.mode, image.mode))
    elif image.format == "PNG" and _png_bit_depth(path) == 16:
        reasons.append("16-bit")
    if image.format not in KERAS_FORMATS:
        reasons.append(f"{image.format} file")
    if not str(path).lower().endswith(KERAS_EXTENSIONS) and not reasons:
        reasons.append("extension Keras skips")
    if image.getexif().get(0x0112, 1) not in (1, None):  # EXIF orientation: Keras would show it rotated
        reasons.append("EXIF rotation")
    return tuple(dict.fromkeys(reasons))

def _png_bit_depth(path):
    """Return a PNG file's bit depth from its header (Pillow reads 16-bit RGB as 8-bit RGB)."""
    with open(path, "rb") as file:
        header = file.read(25)
    return header[24] if len(header) == 25 else 8

def to_rgb(image):
    """Return a loaded Pillow image as an 8-bit RGB image, upright, transparency over white."""
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        if image.mode == "F" and values.max(initial=0) <= 1:
            values = values * 255
        elif values.max(initial=0) > 255:
            values = values / 257  # 16-bit 0-65535 to 0-255
        image = Image.fromarray(np.clip(np.round(values), 0, 255).astype(np.uint8), "L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


# --------------------------------------------------------------------------- scanning


def list_folder(root):
    """Return the folder's entries, (kind, relative path, size, mtime_ns): kind 'file', 'class', 'hidden', 'root'."""
    entries = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith("."):
            entries.append(("hidden", entry.name + ("/" if entry.is_dir() else ""), 0, 0))
        elif entry.is_dir():
            entries.append(("class", entry.name, 0, 0))
            for folder, dirnames, filenames in os.walk(entry.path):
                relative = Path(folder).relative_to(root).as_posix()
                for hidden in sorted(d for d in dirnames if d.startswith(".")):
                    entries.append(("hidden", f"{relative}/{hidden}/", 0, 0))
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for filename in sorted(filenames):
                    try:
                        stat = os.stat(os.path.join(folder, filename))
                        size, mtime = stat.st_size, stat.st_mtime_ns
                    except OSError:  # a broken link: opening it will fail and report it as unreadable
                        size, mtime = -1, 0
                    kind = "hidden" if filename.startswith(".") else "file"
                    entries.append((kind, f"{relative}/{filename}", size, mtime))
        else:
            entries.append(("root", entry.name, 0, 0))
    return entries


def scan_listing(root, min_size, listing):
    """Open every listed file; return the FolderReport and {kept file: whether it must be converted}."""
    kept, converted, plan = {}, {}, {}
    problems = {kind: [] for kind in PROBLEMS}
    for kind, relative, _, _ in listing:
        if kind == "class":
            kept[relative] = []
        elif kind == "hidden":
            problems["hidden"].append((relative, ""))
        elif kind == "root":
            problems["outside_class"].append((relative, ""))
        elif relative.lower().endswith(HEIC_EXTENSIONS):
            problems["heic"].append((relative, ""))
        elif not relative.lower().endswith(IMAGE_EXTENSIONS):
            problems["other_extension"].append((relative, ""))
        else:
            problem, detail, reasons = inspect_image_file(root / relative, min_size)
            if problem:
                problems[problem].append((relative, detail))
            else:
                kept[relative.split("/", 1)[0]].append(relative)
                plan[relative] = bool(reasons)
                if reasons:
                    converted[relative] = ", ".join(reasons)
    for name, files in kept.items():
        if not files:
            had_files = any(k == "file" and r.startswith(name + "/") for k, r, _, _ in listing)
            problems["empty_class"].append((name + "/", "only skipped files" if had_files else "no files"))
    report = FolderReport(str(root), min_size, {name: tuple(files) for name, files in kept.items()}, converted,
                          {kind: tuple(items) for kind, items in problems.items() if items})
    return report, plan


def mirror_path(root, min_size, listing):
    """Return the mirror folder for this folder's current content (named by its path, files, sizes, times)."""
    source = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:8]
    content = hashlib.sha256(json.dumps([MIRROR_VERSION, min_size, listing], ensure_ascii=True).encode())
    name = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in root.name)[:40] or "folder"
    return _mirror_home() / f"{name}-{source}-{content.hexdigest()[:12]}"


def _mirror_home():
    """Return the folder holding the mirrors: image_folders in the Keras dataset cache."""
    return config.data_cache_dir() / "image_folders"


def cached_report(mirror):
    """Return the FolderReport stored in a complete mirror, or None when there is none."""
    try:
        stored = json.loads((mirror / MIRROR_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stored["kept"] = {name: tuple(files) for name, files in stored["kept"].items()}
    stored["problems"] = {kind: tuple(tuple(item) for item in items) for kind, items in stored["problems"].items()}
    return FolderReport(**{**stored, "mirror": str(mirror), "reused": True})


def mirrored_name(relative, convert):
    """Return a kept file's path in the mirror: the same, or with '.png' added when it was converted."""
    return relative if not convert or relative.lower().endswith(".png") else relative + ".png"


def _build_mirror(root, min_size, listing, mirror):
    """Scan ``root`` and write its cleaned mirror; return the FolderReport."""
    report, plan = scan_listing(root, min_size, listing)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    building = mirror.parent / f".building-{mirror.name}-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    try:
        for name in report.class_names:
            (building / name).mkdir(parents=True)
        for relative, convert in plan.items():
            target = building / mirrored_name(relative, convert)
            target.parent.mkdir(parents=True, exist_ok=True)
            if convert:
                with open_image(root / relative) as image:
                    to_rgb(image).save(target, format="PNG")
            else:
                try:
                    os.link(root / relative, target)  # no copy when the cache is on the same disk
                except OSError:
                    shutil.copyfile(root / relative, target)
        stored = {key: value for key, value in asdict(report).items() if key not in ("mirror", "reused")}
        (building / MIRROR_MARKER).write_text(json.dumps(stored, ensure_ascii=True), encoding="utf-8")
        try:
            os.replace(building, mirror)
        except OSError:  # another process built the same mirror meanwhile: use theirs
            if cached_report(mirror) is None:
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _remove_old_mirrors(mirror)
    report.mirror = str(mirror)
    return report


def _remove_old_mirrors(mirror):
    """Delete the earlier mirrors of the same source folder (same path hash, other content)."""
    source = mirror.name.rsplit("-", 2)[-2]
    for old in mirror.parent.glob(f"*-{source}-*"):
        if old != mirror and (old / MIRROR_MARKER).is_file():
            shutil.rmtree(old, ignore_errors=True)


def mirror_folder(root, min_size):
    """Return the FolderReport of ``root`` with its mirror, built now or reused."""
    listing = list_folder(root)
    mirror = mirror_path(root, min_size, listing)
    return cached_report(mirror) or _build_mirror(root, min_size, listing, mirror)
