"""Datasets of the experiments: 2-D toys, small image sets, and their checksummed on-disk store."""

from gantheory.data.images import IMAGES, digits, mnist_subset
from gantheory.data.store import DatasetChecksumError, build_dataset, load_dataset, save_dataset
from gantheory.data.toys import TOYS, eight_gaussians, mixture_modes, swiss_roll, twenty_five_gaussians

__all__ = [
    "IMAGES",
    "TOYS",
    "DatasetChecksumError",
    "build_dataset",
    "digits",
    "eight_gaussians",
    "load_dataset",
    "mixture_modes",
    "mnist_subset",
    "save_dataset",
    "swiss_roll",
    "twenty_five_gaussians",
]
