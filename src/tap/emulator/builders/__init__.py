"""The seeder's builders by concern; importing this package registers them all."""

from tap.emulator.builders import database, dns, identity, network, operations, storage, traffic

__all__ = ["database", "dns", "identity", "network", "operations", "storage", "traffic"]
