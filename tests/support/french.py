"""The pages' French, one list for both apps: what each app's catalog must make them say."""

# French typography: the apostrophe is U+2019, as in Django's own French catalog.
# ruff: noqa: RUF001

from __future__ import annotations

# English as the pages show it -> French. Framework messages (Django's, and the same words
# from Flask's catalog) included: the two apps are read side by side.
FRENCH = {
    "Products": "Produits",
    "sidebyside catalogue": "catalogue sidebyside",
    "Sign in": "Se connecter",
    "Sign out": "Se déconnecter",
    "Language": "Langue",
    "Change": "Changer",
    "Search": "Rechercher",
    "Name, SKU or description": "Nom, référence ou description",
    "Category": "Catégorie",
    "All categories": "Toutes les catégories",
    "Apply": "Appliquer",
    "Previous": "Précédente",
    "Next": "Suivante",
    "No reviews": "Aucun avis",
    "All products": "Tous les produits",
    "SKU": "Référence",
    "Price": "Prix",
    "In stock": "En stock",
    "Rating": "Note",
    "Categories": "Catégories",
    "Reviews": "Avis",
    "Write a review": "Donner votre avis",
    "Title": "Titre",
    "Body": "Commentaire",
    "Choose a rating": "Choisissez une note",
    "Publish review": "Publier l’avis",
    "Sign in to write a review.": "Connectez-vous pour donner votre avis.",
    "Username": "Nom d’utilisateur",
    "Password": "Mot de passe",
    "This field is required.": "Ce champ est obligatoire.",
    "Please enter a correct username and password. Note that both fields may be "
    "case-sensitive.": "Saisissez un nom d’utilisateur et un mot de passe valides. Remarquez "
    "que chacun de ces champs est sensible à la casse (différenciation des "
    "majuscules/minuscules).",
    "Back to the catalogue": "Retour au catalogue",
    "Signed out.": "Déconnecté.",
    "Rendered by Django templates": "Rendu par les gabarits Django",
    "Rendered by Jinja2": "Rendu par Jinja2",
}


def products(count: int) -> str:
    return f"{count} produit" if count <= 1 else f"{count} produits"


def page_of(number: int, pages: int) -> str:
    return f"Page {number} sur {pages}"


def rating(average: str, count: int) -> str:
    return f"{decimal(average)} d’après {count} avis"


def decimal(text: str) -> str:
    """A price or an average as a French page writes it: a decimal comma."""
    return text.replace(".", ",")


def signed_in_as(username: str) -> str:
    return f"Connecté en tant que {username}."


def no_product(sku: str) -> str:
    return f"Aucun produit n’a la référence {sku}."


def error_title(status: int) -> str:
    return f"Erreur {status}"


def too_long(limit: int, length: int) -> str:
    return (
        f"Assurez-vous que cette valeur comporte au plus {limit} caractères "
        f"(actuellement {length})."
    )
