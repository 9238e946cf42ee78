"""schemas: the record model, domain validators and normalization, settings, errors.

Every function below is pure (no I/O, no globals beyond read-only tables and
caches) and safe to call at index time and at query time alike.

Public surface::

    model:     Record, Party, Page, FieldInfo, TextLine, TruthRecord, AppliedPage,
               RecordType, RecordStatus, Role, record_json_schema
    idnumber:  parse_id -> IdCheck, check_char, upgrade_15_to_18, normalize_id,
               id_search_key, ids_equal, region_name, mask_id, ERROR_TEXT
    dates:     parse_date -> DateParse, age_at, birth_year_from_age,
               format_chinese_date, DATE_ERROR_TEXT
    certno:    parse_certificate_no -> CertParse, certificate_key, CERT_ERROR_TEXT
    names:     to_simplified, to_traditional, simplify_name (use it for
               Party.name_simplified), split_name, pinyin_variants, pinyin_primary,
               pinyin_initials, LOOKALIKES, lookalike_key, name_keys, KEY_KINDS,
               normalize_query_name -> NameQuery, clean_name, is_cjk, is_pinyin
    masking:   mask_name, mask_id
    gen_schema: python -m schemas.gen_schema [--check]  (record.schema.json)
    settings:  Settings, load_settings
    errors:    MarriageArchiveError and its subclasses

Import from the submodules (``from schemas.names import name_keys``); this
package file does not import them, so that ``import schemas`` stays cheap.
"""
