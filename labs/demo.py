"""The capstone's demo folders: a shop's catalogue photos to train on, and an external set taken elsewhere.

Notebook 12 needs a folder of images with one sub-folder per class that the
course can always build offline, and a separate external test folder whose
photographs come from another distribution, as a learner's own project would
meet it. Both are made from Fashion-MNIST's real product photographs:

- ``train/``: catalogue photos as the dataset has them, garments lit evenly on a
  black background, upscaled from 28x28 to 96x96;
- ``external/``: other garments of the same classes (from Fashion-MNIST's test
  images, never seen in training), "photographed elsewhere": in colour, smaller
  and off-centre in the frame, on real backgrounds (scikit-image's photographs of
  brick, grass, gravel, a coffee table, ...) and under uneven light.
"""

import json
from pathlib import Path

import numpy as np

from . import config
from ._deprecation import relocated
from ._validate import require_bool, require_int, describe

__all__ = ["DEMO_CLASSES", "IMAGE_SIZE", "BACKGROUND_PHOTOS", "catalogue_photos", "photograph_elsewhere",
           "DemoFolders", "default_demo_dir", "make_demo_folders"]

# Fashion-MNIST label -> the demo's class folder name (the folder name is the class name a learner sees).
DEMO_CLASSES = {0: "T-shirt", 1: "trouser", 7: "sneaker", 8: "bag", 9: "ankle boot"}
IMAGE_SIZE = 96
# scikit-image sample photographs (always offline) used as the external set's backgrounds.
BACKGROUND_PHOTOS = ("brick", "grass", "gravel", "coffee", "rocket", "astronaut", "immunohistochemistry",
                     "coins", "camera", "page")
_MANIFEST = "labs-demo.json"

def _require_garments(images):
    """Return (N, 28, 28) uint8 garments, or raise a clear error."""
    if not isinstance(images, np.ndarray) or images.ndim != 3 or images.dtype != np.uint8:
        raise TypeError("images must be a uint8 array of greyscale garments (N, H, W), as Fashion-MNIST's, got "
                        f"{describe(images)}.")
    if len(images) == 0:
        raise ValueError("images is empty: give at least one garment.")
    return images


def _resize(image, shape):
    """Bilinear resize of a float image (H, W[, C]) to ``shape`` (h, w)."""
    from skimage.transform import resize

    return resize(image, shape + image.shape[2:], order=1, mode="edge", anti_aliasing=False)


def catalogue_photos(images, size=IMAGE_SIZE):
    """Return Fashion-MNIST garments as the shop's photos: upscaled to size x size, RGB uint8 (N, size, size, 3)."""
    images = _require_garments(images)
    size = require_int(size, "size", minimum=28, maximum=512)
    out = np.empty((len(images), size, size, 3), np.uint8)
    for i, image in enumerate(images):
        grey = np.rint(_resize(image.astype(np.float64), (size, size))).clip(0, 255).astype(np.uint8)
        out[i] = grey[..., None]
    return out


def _backgrounds():
    """Return the background photographs as float RGB images in [0, 1]."""
    import skimage.data

    photos = []
    for name in BACKGROUND_PHOTOS:
        photo = getattr(skimage.data, name)().astype(np.float64) / 255.0
        photos.append(np.repeat(photo[..., None], 3, axis=-1) if photo.ndim == 2 else photo[..., :3])
    return photos


def photograph_elsewhere(images, seed=0, size=IMAGE_SIZE):
    """Return garments as if photographed in another place: RGB uint8 (N, size, size, 3).

    Each garment (a Fashion-MNIST image, bright on black) is tinted a random colour,
    shrunk to 55-90% of the frame at a random place, laid over a random crop of a real
    photograph (its brightness varied) and lit unevenly (a brightness ramp in a random
    direction and a random gamma). The same images and seed always give the same photos.
    """
    images = _require_garments(images)
    seed = require_int(seed, "seed", minimum=0)
    size = require_int(size, "size", minimum=28, maximum=512)
    from matplotlib.colors import hsv_to_rgb

    rng = np.random.default_rng(seed)
    photos = _backgrounds()
    rows, cols = np.mgrid[0:size, 0:size] / (size - 1) - 0.5
    out = np.empty((len(images), size, size, 3), np.uint8)
    for i, image in enumerate(images):
        side = int(rng.integers(round(0.55 * size), round(0.9 * size) + 1))
        garment = _resize(image.astype(np.float64) / 255.0, (side, side))
        top, left = (int(v) for v in rng.integers(0, size - side + 1, size=2))
        photo = photos[rng.integers(len(photos))]
        short = min(photo.shape[:2])  # a photo smaller than the frame (page is 191 pixels high) is upscaled whole
        crop = int(rng.integers(min(size, short), short + 1))
        y0, x0 = rng.integers(0, photo.shape[0] - crop + 1), rng.integers(0, photo.shape[1] - crop + 1)
        frame = _resize(photo[y0:y0 + crop, x0:x0 + crop], (size, size)) * rng.uniform(0.35, 0.9)
        colour = hsv_to_rgb([rng.random(), rng.uniform(0.2, 0.8), 1.0])
        alpha = np.zeros((size, size))
        cloth = np.zeros((size, size, 3))
        alpha[top:top + side, left:left + side] = np.clip(garment * 3.0, 0, 1)
        cloth[top:top + side, left:left + side] = garment[..., None] * colour
        picture = alpha[..., None] * cloth + (1 - alpha[..., None]) * frame
        angle = rng.uniform(0, 2 * np.pi)
        ramp = 1.0 + rng.uniform(0.2, 0.6) * (np.cos(angle) * cols + np.sin(angle) * rows) * 2
        picture = np.clip(picture * ramp[..., None], 0, 1) ** rng.uniform(0.7, 1.4)
        out[i] = np.rint(picture * 255).clip(0, 255).astype(np.uint8)
    return out


# --------------------------------------------------------------------------- the folders on disk

class DemoFolders(tuple):
    """The two demo folders: ``train`` (catalogue photos) and ``external`` (photographed elsewhere), as Paths."""

    __slots__ = ()

    def __new__(cls, train, external):
        return super().__new__(cls, (Path(train), Path(external)))

    train = property(lambda self: self[0])
    external = property(lambda self: self[1])

    def __repr__(self):
        return f"DemoFolders(train={str(self.train)!r}, external={str(self.external)!r})"


def default_demo_dir():
    """Return where make_demo_folders writes by default: ``capstone_demo`` in the Keras dataset cache."""
    return config.data_cache_dir() / "capstone_demo"


def _demo_images(num_train, num_external):
    """Return the demo's images and class folder names: {"train": [...], "external": [...]} of (name, image)."""
    from .data import load_dataset, stratified_subset

    fashion = load_dataset("fashion_mnist")
    labels = list(DEMO_CLASSES)
    result = {}
    for split, X, y, count, photograph in (
            ("train", fashion.X_train, fashion.y_train, num_train, catalogue_photos),
            ("external", fashion.X_test, fashion.y_test, num_external, lambda x: photograph_elsewhere(x, seed=0))):
        rows = np.flatnonzero(np.isin(y, labels))
        chosen = np.sort(rows[stratified_subset(y[rows], count, np.random.default_rng(0))])
        source = "train" if split == "train" else "test"
        photos = photograph(X[chosen])
        result[split] = [(f"{DEMO_CLASSES[int(y[i])]}/fashion-mnist-{source}-{i:05d}.png", photo)
                         for i, photo in zip(chosen, photos)]
    return result


def _sha256(path):
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _require_existing(root):
    """Return True if ``root`` holds a complete demo written by labs; raise if it holds anything else."""
    manifest = root / _MANIFEST
    if not manifest.is_file():
        if root.exists() and any(root.iterdir()):
            raise FileExistsError(f"{root} exists and was not written by make_demo_folders (it has no {_MANIFEST}); "
                                  "labs never writes into a folder it did not make. Pass another directory.")
        return False
    try:
        recorded = json.loads(manifest.read_text())["files"]
        if not isinstance(recorded, dict):
            raise TypeError(f"'files' is a {type(recorded).__name__}, not a mapping of names to digests")
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{manifest} is not a readable demo manifest ({error}); delete {root} and run "
                         "make_demo_folders again.") from None
    changed = [name for name, digest in recorded.items()
               if not (root / name).is_file() or _sha256(root / name) != digest]
    if changed:
        raise ValueError(f"{len(changed)} of the demo's {len(recorded)} files in {root} are missing or changed "
                         f"(e.g. {', '.join(changed[:3])}); labs does not overwrite them. Move or delete {root} "
                         "for a fresh copy, or pass another directory.")
    return True


def _ready_message(settings):
    """Return the line make_demo_folders prints (the same whether it wrote the folders or reused them)."""
    return (f"Demo folders ready: {settings['num_train']} catalogue photos in train/ and {settings['num_external']} "
            f"photos taken elsewhere in external/, {len(DEMO_CLASSES)} classes ({', '.join(DEMO_CLASSES.values())}).")


def make_demo_folders(directory=None, num_train=600, num_external=300, verbose=True):
    """Write the capstone's demo folders once and return DemoFolders(train, external).

    directory: the folder to write into (default: default_demo_dir(), in the Keras dataset
    cache); it gets ``train/<class>/*.png`` with num_train catalogue photos and
    ``external/<class>/*.png`` with num_external photos taken elsewhere, an equal share per
    class of DEMO_CLASSES. A complete earlier copy (checked file by file against its
    manifest of SHA-256 digests) is reused; the folders are written to a temporary folder
    and renamed into place, so an interrupted run leaves nothing half-written. Files you
    add are left alone; a folder labs did not write is refused, never overwritten.
    """
    num_train = require_int(num_train, "num_train", minimum=2 * len(DEMO_CLASSES), maximum=30_000)
    num_external = require_int(num_external, "num_external", minimum=len(DEMO_CLASSES), maximum=5_000)
    verbose = require_bool(verbose, "verbose")
    if directory is not None and not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be a path (str or pathlib.Path) or None, got {describe(directory)}.")
    root = (Path(directory).expanduser() if directory is not None else default_demo_dir()).resolve()
    if root.exists() and not root.is_dir():
        raise NotADirectoryError(f"directory {root} is a file, not a folder.")
    settings = {"num_train": num_train, "num_external": num_external, "version": 1}
    if _require_existing(root):
        made = json.loads((root / _MANIFEST).read_text()).get("settings")
        if made != settings:
            raise ValueError(f"{root} holds a demo made with {made}, not {settings}; pass another directory.")
        if verbose:
            print(_ready_message(settings))
        return DemoFolders(root / "train", root / "external")
    import shutil
    import tempfile

    from PIL import Image

    images = _demo_images(num_train, num_external)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".capstone_demo-", dir=root.parent))
    try:
        digests = {}
        for split, files in images.items():
            for name, photo in files:
                path = staging / split / name
                path.parent.mkdir(parents=True, exist_ok=True)
                Image.fromarray(photo).save(path, format="PNG")
                digests[f"{split}/{name}"] = _sha256(path)
        (staging / _MANIFEST).write_text(json.dumps({"settings": settings, "files": digests}, indent=1))
        if root.exists():
            root.rmdir()  # empty (checked above)
        staging.rename(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if verbose:
        print(_ready_message(settings))
    return DemoFolders(root / "train", root / "external")


# --- old names, kept until 2027-03-31: the capstone's recipes moved to labs.training.RECIPES["capstone"]

def _capstone_recipes():
    from .training import RECIPES

    return RECIPES["capstone"]


__getattr__ = relocated(__name__, {"RECIPES": ("labs.training.RECIPES['capstone']", _capstone_recipes)})
