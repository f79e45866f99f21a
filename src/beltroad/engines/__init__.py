"""Pure engines: functions over typed records and arrays. No database, web or CLI imports."""
