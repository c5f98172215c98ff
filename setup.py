from setuptools import find_packages, setup

setup(
    name="scratchnlp",
    version="0.1.0",
    description="From-scratch NumPy deep learning for NLP (Deep Learning from Scratch 2 and classic RNN tutorials)",
    packages=find_packages(include=["common", "dataset", "ch0*"]),
    python_requires=">=3.9",
    install_requires=["numpy>=1.24", "scipy>=1.9", "matplotlib>=3.5"],
    extras_require={
        "test": ["pytest>=7", "tqdm", "nbclient", "nbformat", "ipykernel"],
        "nlp": ["scikit-learn>=1.2", "nltk>=3.8"],
        "bench": ["torch", "gensim"],
        "gpu": ["cupy-cuda13x>=14"],
    },
)
