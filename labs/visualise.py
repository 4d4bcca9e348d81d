"""Old home of notebook 11's helpers, kept until 2027-03-31: each name warns and says its room now.

Filters, feature maps and filter patterns live in ``labs.inspection``; saliency, SmoothGrad,
Grad-CAM, occlusion and heatmaps in ``labs.attribution``; drawings in ``labs.drawing``; the
spurious cue in ``labs.cues``. ``show_activations`` (feature maps) is ``labs.inspection.show_feature_maps``.
"""

from ._deprecation import moved_to_rooms

__all__ = []

__getattr__ = moved_to_rooms(__name__, {
    "labs.inspection": {name: name for name in ("conv_layer_names", "compute_filter_images", "compute_activations",
                                                 "compute_sparsity", "compute_filter_pattern", "show_filters",
                                                 "plot_sparsity", "show_filter_view")}
                       | {"show_activations": "show_feature_maps"},
    "labs.attribution": ("compute_class_scores", "compute_input_gradients", "compute_saliency", "compute_smoothgrad",
                         "compute_gradcam", "compute_occlusion", "resize_heatmap", "compute_box_mass", "plot_heatmap",
                         "show_explanations"),
    "labs.drawing": ("MNIST_BOX", "MNIST_SIZE", "MNIST_CENTRE", "EXAMPLE_STROKES", "render_strokes", "prepare_drawing",
                     "predict_drawing", "show_drawing_result"),
    "labs.cues": ("CUE_PATTERNS", "cue_box", "add_class_cue", "replace_with_other_class"),
})
