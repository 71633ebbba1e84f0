"""ID numbers encrypted at rest with a key file only its owner can read; masks on every screen."""

import stat

import pytest

from station_kit.config import MissingSecretKey, Settings, load_secret_key
from station_kit.privacy import Vault, mask_id_number, mask_phone


def test_masks():
    assert mask_id_number("612722198506157210") == "**************7210"
    assert mask_id_number("E1234567") == "****4567"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("09128321234") == "0912*****34"


def test_vault_round_trips_and_hash_depends_on_the_key():
    vault, other = Vault(b"one key"), Vault(b"another key")
    token = vault.encrypt("612722198506157210")
    assert "612722" not in token
    assert vault.decrypt(token) == "612722198506157210"
    assert vault.lookup_hash("61272219850615721x") == vault.lookup_hash("61272219850615721X")
    assert vault.lookup_hash("612722198506157210") != other.lookup_hash("612722198506157210")


def test_key_file_is_created_once_with_owner_only_mode(tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key=None)
    with pytest.raises(MissingSecretKey):
        load_secret_key(settings)
    key = load_secret_key(settings, create=True)
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    assert load_secret_key(settings) == key


def test_environment_key_wins(tmp_path):
    assert load_secret_key(Settings(data_dir=tmp_path, secret_key="from-env")) == b"from-env"
    assert not (tmp_path / "secret.key").exists()
