"""schemas: the record model, domain validators and normalization, settings, errors.

Public surface::

    model:     Record, Party, Page, FieldInfo, TextLine, TruthRecord, RecordType,
               RecordStatus, Role, record_json_schema
    idnumber:  parse_id, IdCheck, check_char, upgrade_15_to_18, mask_id
    dates:     parse_date
    certno:    parse_certificate_no
    names:     to_simplified, name_keys, pinyin_variants, lookalike_key, split_name
    settings:  Settings, load_settings
    errors:    MarriageArchiveError and its subclasses
"""
