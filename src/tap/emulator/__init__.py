"""A deployment built in the AWS API emulator (moto server): `tap rehearse` and the tests."""
