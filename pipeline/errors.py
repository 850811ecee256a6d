"""Exceptions. Bad input raises InputError (recorded, batch goes on); bad configuration raises ConfigError."""


class VanbanError(Exception):
    "Base class of vanban's errors"
    stage = "pipeline"


class InputError(VanbanError):
    "The input file cannot be turned into documents"
    stage = "read"


class UnsupportedFormat(InputError):
    "No reader for this file suffix"


class EmptyDocument(InputError):
    "The file holds no text"


class DecodeError(InputError):
    "The bytes cannot be decoded as text in any supported encoding"


class LimitExceeded(InputError):
    "The file is larger than a configured limit"


class EncryptedFile(InputError):
    "The file is encrypted"


class MissingTool(InputError):
    "A system program needed for this format is not installed"


class ConfigError(VanbanError):
    "A data file or setting of the project itself is wrong"
    stage = "config"


class NotRegularFile(InputError):
    "A named pipe, socket or device where a file was expected: never opened"


class UnreadableFolder(InputError):
    "A folder that cannot be listed (permissions): its files are unknown"
    stage = "list"


class LinkNotFollowed(InputError):
    "A symbolic link to a folder, or to a file outside the folders given: recorded, not read (--follow-links)"
    stage = "list"


class LinkLoop(InputError):
    "A symbolic link that leads back to itself or to a folder already listed"
    stage = "list"


class StoreError(VanbanError):
    "The database cannot be opened or written (not a database, a folder, the disk is full, read-only)"
    stage = "store"
