#!/bin/sh
# Get the datasets that a package manager can provide, so the course runs offline.
# Best effort: this script never fails the build (always exits 0).
#
# Today that is Fashion-MNIST: Debian/Ubuntu ship it as `dataset-fashion-mnist`
# (/usr/share/datasets/fashion-mnist). If it is already somewhere labs.data looks
# (Keras cache, $LABS_DATA_DIR, the Debian folder) nothing happens. Installing
# needs root on a Debian-like system; otherwise one line says how to get it.
# Called by `make data`, which then prints `python -m labs.data status`.

DEBIAN_DIR=/usr/share/datasets/fashion-mnist
KERAS_DIR="${KERAS_HOME:-$HOME/.keras}/datasets/fashion-mnist"
FILES="train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"

has_all_files() {
    [ -n "$1" ] || return 1
    for f in $FILES; do
        [ -f "$1/$f" ] || return 1
    done
    return 0
}

found_fashion_mnist() {
    for dir in "$KERAS_DIR" "${LABS_DATA_DIR:-}" "${LABS_DATA_DIR:+$LABS_DATA_DIR/fashion-mnist}" "$DEBIAN_DIR"; do
        if has_all_files "$dir"; then
            echo "fashion_mnist: found in $dir"
            return 0
        fi
    done
    return 1
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1
}

found_fashion_mnist && exit 0

if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    # Only refresh the package lists when the plain install fails (they may be stale or absent).
    if { apt_install || { apt-get update -q >/dev/null 2>&1 && apt_install; }; } && has_all_files "$DEBIAN_DIR"; then
        echo "fashion_mnist: installed dataset-fashion-mnist into $DEBIAN_DIR"
        exit 0
    fi
    echo "fashion_mnist: could not install dataset-fashion-mnist; when online run: python -m labs.data fetch fashion_mnist"
    exit 0
fi

echo "fashion_mnist: not found offline; get it with 'sudo apt install dataset-fashion-mnist' (Debian/Ubuntu) or, when online, 'python -m labs.data fetch fashion_mnist'"
exit 0
