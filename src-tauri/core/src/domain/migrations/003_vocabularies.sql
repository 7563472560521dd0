-- Controlled vocabularies, labelled in English and Russian. Terms are stable keys: they
-- travel in bundles, so a term is never renamed or removed, only added or relabelled
-- (in a new migration).
CREATE TABLE vocab (
    vocab    TEXT NOT NULL,
    term     TEXT NOT NULL,
    -- For `status`: which status type the term belongs to (protection | refugee).
    category TEXT,
    -- For `event_type`: the status an event implies for its victims, "type:value".
    implies  TEXT,
    label_en TEXT NOT NULL,
    label_ru TEXT NOT NULL,
    sort     INTEGER NOT NULL,
    PRIMARY KEY (vocab, term)
) WITHOUT ROWID;

INSERT INTO vocab (vocab, term, category, implies, label_en, label_ru, sort) VALUES
 ('sex', 'male', NULL, NULL, 'Male', 'Мужской', 1),
 ('sex', 'female', NULL, NULL, 'Female', 'Женский', 2),
 ('sex', 'other', NULL, NULL, 'Other', 'Другой', 3),
 ('sex', 'unknown', NULL, NULL, 'Unknown', 'Неизвестно', 4),

 ('confidentiality', 'public', NULL, NULL, 'Public', 'Открытая', 1),
 ('confidentiality', 'restricted', NULL, NULL, 'Restricted', 'Ограниченного доступа', 2),
 ('confidentiality', 'confidential', NULL, NULL, 'Confidential', 'Конфиденциальная', 3),
 ('confidentiality', 'strictly_confidential', NULL, NULL, 'Strictly confidential', 'Строго конфиденциальная', 4),

 ('location_type', 'camp', NULL, NULL, 'Camp', 'Лагерь', 1),
 ('location_type', 'detention_centre', NULL, NULL, 'Detention centre', 'Место содержания под стражей', 2),
 ('location_type', 'border_crossing', NULL, NULL, 'Border crossing', 'Пограничный переход', 3),
 ('location_type', 'settlement', NULL, NULL, 'Settlement', 'Населённый пункт', 4),
 ('location_type', 'region', NULL, NULL, 'Region', 'Область', 5),
 ('location_type', 'country', NULL, NULL, 'Country', 'Страна', 6),
 ('location_type', 'other', NULL, NULL, 'Other', 'Другое', 7),

 ('actor_type', 'state_authority', NULL, NULL, 'State authority', 'Государственный орган', 1),
 ('actor_type', 'prosecutor', NULL, NULL, 'Prosecutor''s office', 'Прокуратура', 2),
 ('actor_type', 'security_forces', NULL, NULL, 'Security forces', 'Силы безопасности', 3),
 ('actor_type', 'law_enforcement', NULL, NULL, 'Police / law enforcement', 'Правоохранительные органы', 4),
 ('actor_type', 'international_organisation', NULL, NULL, 'International organisation', 'Международная организация', 5),
 ('actor_type', 'ngo', NULL, NULL, 'Non-governmental organisation', 'Неправительственная организация', 6),
 ('actor_type', 'media', NULL, NULL, 'Media', 'СМИ', 7),
 ('actor_type', 'individual', NULL, NULL, 'Individual', 'Частное лицо', 8),
 ('actor_type', 'other', NULL, NULL, 'Other', 'Другое', 9),

 ('event_type', 'detention', NULL, 'protection:detained', 'Detention', 'Задержание', 1),
 ('event_type', 'transfer', NULL, 'protection:detained', 'Transfer', 'Перевод', 2),
 ('event_type', 'forcible_return', NULL, 'protection:forcibly_returned', 'Forcible return', 'Принудительное возвращение', 3),
 ('event_type', 'removal_request', NULL, 'protection:at_risk', 'Request for removal or extradition', 'Запрос о высылке или выдаче', 4),
 ('event_type', 'camp_surrounded', NULL, NULL, 'Camp surrounded or raided', 'Оцепление лагеря или рейд', 5),
 ('event_type', 'release', NULL, 'protection:released', 'Release', 'Освобождение', 6),
 ('event_type', 'disappearance', NULL, 'protection:whereabouts_unknown', 'Disappearance', 'Исчезновение', 7),
 ('event_type', 'arrival', NULL, 'protection:in_camp', 'Arrival in a camp', 'Прибытие в лагерь', 8),
 ('event_type', 'interview', NULL, NULL, 'Interview', 'Интервью', 9),
 ('event_type', 'unhcr_registration', NULL, 'refugee:registered', 'Registration with UNHCR', 'Регистрация в УВКБ ООН', 10),
 ('event_type', 'resettlement', NULL, 'protection:resettled', 'Resettlement in a third country', 'Переселение в третью страну', 11),
 ('event_type', 'ill_treatment', NULL, NULL, 'Torture or ill-treatment', 'Пытки или жестокое обращение', 12),
 ('event_type', 'threat', NULL, NULL, 'Threat or intimidation', 'Угрозы или запугивание', 13),
 ('event_type', 'other', NULL, NULL, 'Other', 'Другое', 14),

 ('role', 'victim', NULL, NULL, 'Victim', 'Пострадавший', 1),
 ('role', 'witness', NULL, NULL, 'Witness', 'Свидетель', 2),
 ('role', 'perpetrator', NULL, NULL, 'Perpetrator', 'Исполнитель', 3),
 ('role', 'requesting_authority', NULL, NULL, 'Requesting authority', 'Запрашивающий орган', 4),
 ('role', 'intervening_party', NULL, NULL, 'Intervening party', 'Вмешавшаяся сторона', 5),
 ('role', 'other', NULL, NULL, 'Other', 'Другое', 6),

 ('status_type', 'protection', NULL, NULL, 'Protection status', 'Статус защиты', 1),
 ('status_type', 'refugee', NULL, NULL, 'UNHCR refugee status', 'Статус беженца (УВКБ ООН)', 2),

 ('status', 'in_camp', 'protection', NULL, 'In camp', 'В лагере', 1),
 ('status', 'detained', 'protection', NULL, 'Detained', 'Под стражей', 2),
 ('status', 'at_risk', 'protection', NULL, 'At risk of forcible return', 'Под угрозой принудительного возвращения', 3),
 ('status', 'forcibly_returned', 'protection', NULL, 'Forcibly returned', 'Принудительно возвращён', 4),
 ('status', 'released', 'protection', NULL, 'Released', 'Освобождён', 5),
 ('status', 'resettled', 'protection', NULL, 'Resettled in a third country', 'Переселён в третью страну', 6),
 ('status', 'whereabouts_unknown', 'protection', NULL, 'Whereabouts unknown', 'Местонахождение неизвестно', 7),
 ('status', 'not_registered', 'refugee', NULL, 'Not registered', 'Не зарегистрирован', 11),
 ('status', 'registered', 'refugee', NULL, 'Registered', 'Зарегистрирован', 12),
 ('status', 'assessment_pending', 'refugee', NULL, 'Assessment pending', 'Рассмотрение не завершено', 13),
 ('status', 'recognised', 'refugee', NULL, 'Recognised as refugee', 'Признан беженцем', 14),
 ('status', 'rejected', 'refugee', NULL, 'Rejected', 'Отказано', 15),

 ('source_type', 'testimony', NULL, NULL, 'Testimony', 'Свидетельские показания', 1),
 ('source_type', 'document', NULL, NULL, 'Document', 'Документ', 2),
 ('source_type', 'media_report', NULL, NULL, 'Media report', 'Сообщение СМИ', 3),
 ('source_type', 'official_statement', NULL, NULL, 'Official statement', 'Официальное заявление', 4),
 ('source_type', 'ngo_report', NULL, NULL, 'NGO report', 'Доклад НПО', 5),
 ('source_type', 'other', NULL, NULL, 'Other', 'Другое', 6),

 ('reliability', 'reliable', NULL, NULL, 'A — Reliable', 'A — Надёжный', 1),
 ('reliability', 'usually_reliable', NULL, NULL, 'B — Usually reliable', 'B — Обычно надёжный', 2),
 ('reliability', 'fairly_reliable', NULL, NULL, 'C — Fairly reliable', 'C — Достаточно надёжный', 3),
 ('reliability', 'not_usually_reliable', NULL, NULL, 'D — Not usually reliable', 'D — Обычно ненадёжный', 4),
 ('reliability', 'unreliable', NULL, NULL, 'E — Unreliable', 'E — Ненадёжный', 5),
 ('reliability', 'cannot_judge', NULL, NULL, 'F — Cannot be judged', 'F — Невозможно оценить', 6),

 ('intervention_type', 'urgent_action', NULL, NULL, 'Urgent action', 'Срочная акция', 1),
 ('intervention_type', 'appeal', NULL, NULL, 'Appeal', 'Обращение', 2),
 ('intervention_type', 'letter', NULL, NULL, 'Letter', 'Письмо', 3),
 ('intervention_type', 'request_to_unhcr', NULL, NULL, 'Request to UNHCR', 'Запрос в УВКБ ООН', 4),
 ('intervention_type', 'public_statement', NULL, NULL, 'Public statement', 'Публичное заявление', 5),
 ('intervention_type', 'visit', NULL, NULL, 'Visit', 'Посещение', 6),
 ('intervention_type', 'other', NULL, NULL, 'Other', 'Другое', 7),

 ('intervention_status', 'planned', NULL, NULL, 'Planned', 'Запланировано', 1),
 ('intervention_status', 'sent', NULL, NULL, 'Sent', 'Отправлено', 2),
 ('intervention_status', 'acknowledged', NULL, NULL, 'Acknowledged', 'Получение подтверждено', 3),
 ('intervention_status', 'response_received', NULL, NULL, 'Response received', 'Получен ответ', 4),
 ('intervention_status', 'closed', NULL, NULL, 'Closed', 'Закрыто', 5),

 ('identifier_type', 'unhcr_registration', NULL, NULL, 'UNHCR registration number', 'Регистрационный номер УВКБ ООН', 1),
 ('identifier_type', 'passport', NULL, NULL, 'Passport', 'Паспорт', 2),
 ('identifier_type', 'camp_id', NULL, NULL, 'Camp ID', 'Номер в лагере', 3),
 ('identifier_type', 'national_id', NULL, NULL, 'National ID', 'Удостоверение личности', 4),
 ('identifier_type', 'other', NULL, NULL, 'Other', 'Другое', 5),

 ('relation', 'parent', NULL, NULL, 'Parent', 'Родитель', 1),
 ('relation', 'child', NULL, NULL, 'Child', 'Ребёнок', 2),
 ('relation', 'spouse', NULL, NULL, 'Spouse', 'Супруг(а)', 3),
 ('relation', 'sibling', NULL, NULL, 'Sibling', 'Брат или сестра', 4),
 ('relation', 'relative', NULL, NULL, 'Other relative', 'Другой родственник', 5),
 ('relation', 'other', NULL, NULL, 'Other', 'Другое', 6);
