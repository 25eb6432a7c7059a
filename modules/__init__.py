"""The landing-zone tool. Importing any of it first makes the provider bindings load lazily."""

from modules import bindings

bindings.install()  # before any construct imports a bindings submodule, in any import order
