-- What a reviewer decided about two person records: the same person, not the same, or
-- unsure. Terms of the `verdict` vocabulary, carried by a person's `judgements` links.
INSERT INTO vocab (vocab, term, category, implies, label_en, label_ru, sort) VALUES
 ('verdict', 'same', NULL, NULL, 'Same person', 'Один и тот же человек', 1),
 ('verdict', 'not_same', NULL, NULL, 'Not the same person', 'Разные люди', 2),
 ('verdict', 'unsure', NULL, NULL, 'Unsure', 'Не уверен', 3);
