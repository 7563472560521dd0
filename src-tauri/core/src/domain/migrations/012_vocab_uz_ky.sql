-- Vocabulary labels in Uzbek (Latin script) and Kyrgyz, beside English and Russian.
-- Every term gets both; a migration that adds terms must label them in all four
-- languages (the vocabulary tests check it).
ALTER TABLE vocab ADD COLUMN label_uz TEXT NOT NULL DEFAULT '';
ALTER TABLE vocab ADD COLUMN label_ky TEXT NOT NULL DEFAULT '';

UPDATE vocab SET label_uz = 'Erkak', label_ky = 'Эркек' WHERE vocab = 'sex' AND term = 'male';
UPDATE vocab SET label_uz = 'Ayol', label_ky = 'Аял' WHERE vocab = 'sex' AND term = 'female';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'sex' AND term = 'other';
UPDATE vocab SET label_uz = 'Nomaʼlum', label_ky = 'Белгисиз' WHERE vocab = 'sex' AND term = 'unknown';

UPDATE vocab SET label_uz = 'Ochiq', label_ky = 'Ачык' WHERE vocab = 'confidentiality' AND term = 'public';
UPDATE vocab SET label_uz = 'Cheklangan', label_ky = 'Чектелген' WHERE vocab = 'confidentiality' AND term = 'restricted';
UPDATE vocab SET label_uz = 'Maxfiy', label_ky = 'Купуя' WHERE vocab = 'confidentiality' AND term = 'confidential';
UPDATE vocab SET label_uz = 'Qatʼiy maxfiy', label_ky = 'Өтө купуя' WHERE vocab = 'confidentiality' AND term = 'strictly_confidential';

UPDATE vocab SET label_uz = 'Lager', label_ky = 'Лагерь' WHERE vocab = 'location_type' AND term = 'camp';
UPDATE vocab SET label_uz = 'Qamoqda saqlash joyi', label_ky = 'Камакта кармоо жайы' WHERE vocab = 'location_type' AND term = 'detention_centre';
UPDATE vocab SET label_uz = 'Chegara o‘tish punkti', label_ky = 'Чек ара өткөрүү пункту' WHERE vocab = 'location_type' AND term = 'border_crossing';
UPDATE vocab SET label_uz = 'Aholi punkti', label_ky = 'Калктуу конуш' WHERE vocab = 'location_type' AND term = 'settlement';
UPDATE vocab SET label_uz = 'Viloyat', label_ky = 'Облус' WHERE vocab = 'location_type' AND term = 'region';
UPDATE vocab SET label_uz = 'Mamlakat', label_ky = 'Өлкө' WHERE vocab = 'location_type' AND term = 'country';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'location_type' AND term = 'other';

UPDATE vocab SET label_uz = 'Davlat organi', label_ky = 'Мамлекеттик орган' WHERE vocab = 'actor_type' AND term = 'state_authority';
UPDATE vocab SET label_uz = 'Prokuratura', label_ky = 'Прокуратура' WHERE vocab = 'actor_type' AND term = 'prosecutor';
UPDATE vocab SET label_uz = 'Xavfsizlik kuchlari', label_ky = 'Коопсуздук күчтөрү' WHERE vocab = 'actor_type' AND term = 'security_forces';
UPDATE vocab SET label_uz = 'Militsiya / huquqni muhofaza qilish organlari', label_ky = 'Милиция / укук коргоо органдары' WHERE vocab = 'actor_type' AND term = 'law_enforcement';
UPDATE vocab SET label_uz = 'Xalqaro tashkilot', label_ky = 'Эл аралык уюм' WHERE vocab = 'actor_type' AND term = 'international_organisation';
UPDATE vocab SET label_uz = 'Nodavlat notijorat tashkilot', label_ky = 'Бейөкмөт уюм' WHERE vocab = 'actor_type' AND term = 'ngo';
UPDATE vocab SET label_uz = 'Ommaviy axborot vositalari', label_ky = 'Массалык маалымат каражаттары' WHERE vocab = 'actor_type' AND term = 'media';
UPDATE vocab SET label_uz = 'Jismoniy shaxs', label_ky = 'Жеке адам' WHERE vocab = 'actor_type' AND term = 'individual';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'actor_type' AND term = 'other';

UPDATE vocab SET label_uz = 'Hibsga olish', label_ky = 'Кармоо' WHERE vocab = 'event_type' AND term = 'detention';
UPDATE vocab SET label_uz = 'Boshqa joyga o‘tkazish', label_ky = 'Башка жайга которуу' WHERE vocab = 'event_type' AND term = 'transfer';
UPDATE vocab SET label_uz = 'Majburiy qaytarish', label_ky = 'Мажбурлап кайтаруу' WHERE vocab = 'event_type' AND term = 'forcible_return';
UPDATE vocab SET label_uz = 'Chiqarib yuborish yoki ekstraditsiya qilish haqida so‘rov', label_ky = 'Чыгарып жиберүү же экстрадициялоо тууралуу суроо-талап' WHERE vocab = 'event_type' AND term = 'removal_request';
UPDATE vocab SET label_uz = 'Lagerni qurshab olish yoki reyd', label_ky = 'Лагерди курчоо же рейд' WHERE vocab = 'event_type' AND term = 'camp_surrounded';
UPDATE vocab SET label_uz = 'Ozod qilish', label_ky = 'Бошотуу' WHERE vocab = 'event_type' AND term = 'release';
UPDATE vocab SET label_uz = 'Bedarak yo‘qolish', label_ky = 'Дайынсыз жоголуу' WHERE vocab = 'event_type' AND term = 'disappearance';
UPDATE vocab SET label_uz = 'Lagerga kelish', label_ky = 'Лагерге келүү' WHERE vocab = 'event_type' AND term = 'arrival';
UPDATE vocab SET label_uz = 'Suhbat', label_ky = 'Маек' WHERE vocab = 'event_type' AND term = 'interview';
UPDATE vocab SET label_uz = 'BMT Qochqinlar ishlari bo‘yicha Oliy komissarligida ro‘yxatga olinish', label_ky = 'БУУнун Качкындар боюнча Жогорку комиссарында катталуу' WHERE vocab = 'event_type' AND term = 'unhcr_registration';
UPDATE vocab SET label_uz = 'Uchinchi mamlakatga ko‘chirish', label_ky = 'Үчүнчү өлкөгө көчүрүү' WHERE vocab = 'event_type' AND term = 'resettlement';
UPDATE vocab SET label_uz = 'Qiynoq yoki shafqatsiz muomala', label_ky = 'Кыйноо же ырайымсыз мамиле' WHERE vocab = 'event_type' AND term = 'ill_treatment';
UPDATE vocab SET label_uz = 'Tahdid yoki qo‘rqitish', label_ky = 'Коркутуу же опузалоо' WHERE vocab = 'event_type' AND term = 'threat';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'event_type' AND term = 'other';

UPDATE vocab SET label_uz = 'Jabrlanuvchi', label_ky = 'Жабырлануучу' WHERE vocab = 'role' AND term = 'victim';
UPDATE vocab SET label_uz = 'Guvoh', label_ky = 'Күбө' WHERE vocab = 'role' AND term = 'witness';
UPDATE vocab SET label_uz = 'Huquqbuzar', label_ky = 'Укук бузуучу' WHERE vocab = 'role' AND term = 'perpetrator';
UPDATE vocab SET label_uz = 'So‘rov yuborgan organ', label_ky = 'Суроо-талап жиберген орган' WHERE vocab = 'role' AND term = 'requesting_authority';
UPDATE vocab SET label_uz = 'Aralashgan tomon', label_ky = 'Кийлигишкен тарап' WHERE vocab = 'role' AND term = 'intervening_party';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'role' AND term = 'other';

UPDATE vocab SET label_uz = 'Himoya maqomi', label_ky = 'Коргоо статусу' WHERE vocab = 'status_type' AND term = 'protection';
UPDATE vocab SET label_uz = 'Qochqin maqomi (BMT Qochqinlar ishlari bo‘yicha Oliy komissarligi)', label_ky = 'Качкын статусу (БУУнун Качкындар боюнча Жогорку комиссары)' WHERE vocab = 'status_type' AND term = 'refugee';

UPDATE vocab SET label_uz = 'Lagerda', label_ky = 'Лагерде' WHERE vocab = 'status' AND term = 'in_camp';
UPDATE vocab SET label_uz = 'Hibsda', label_ky = 'Камакта' WHERE vocab = 'status' AND term = 'detained';
UPDATE vocab SET label_uz = 'Majburiy qaytarish xavfi ostida', label_ky = 'Мажбурлап кайтаруу коркунучунда' WHERE vocab = 'status' AND term = 'at_risk';
UPDATE vocab SET label_uz = 'Majburan qaytarilgan', label_ky = 'Мажбурлап кайтарылган' WHERE vocab = 'status' AND term = 'forcibly_returned';
UPDATE vocab SET label_uz = 'Ozod qilingan', label_ky = 'Бошотулган' WHERE vocab = 'status' AND term = 'released';
UPDATE vocab SET label_uz = 'Uchinchi mamlakatga ko‘chirilgan', label_ky = 'Үчүнчү өлкөгө көчүрүлгөн' WHERE vocab = 'status' AND term = 'resettled';
UPDATE vocab SET label_uz = 'Qayerdaligi nomaʼlum', label_ky = 'Кайда экени белгисиз' WHERE vocab = 'status' AND term = 'whereabouts_unknown';
UPDATE vocab SET label_uz = 'Ro‘yxatga olinmagan', label_ky = 'Катталган эмес' WHERE vocab = 'status' AND term = 'not_registered';
UPDATE vocab SET label_uz = 'Ro‘yxatga olingan', label_ky = 'Катталган' WHERE vocab = 'status' AND term = 'registered';
UPDATE vocab SET label_uz = 'Ko‘rib chiqilmoqda', label_ky = 'Кароо аяктай элек' WHERE vocab = 'status' AND term = 'assessment_pending';
UPDATE vocab SET label_uz = 'Qochqin deb tan olingan', label_ky = 'Качкын катары таанылган' WHERE vocab = 'status' AND term = 'recognised';
UPDATE vocab SET label_uz = 'Rad etilgan', label_ky = 'Четке кагылган' WHERE vocab = 'status' AND term = 'rejected';

UPDATE vocab SET label_uz = 'Guvohlik ko‘rsatmasi', label_ky = 'Күбөлүк көрсөтмө' WHERE vocab = 'source_type' AND term = 'testimony';
UPDATE vocab SET label_uz = 'Hujjat', label_ky = 'Документ' WHERE vocab = 'source_type' AND term = 'document';
UPDATE vocab SET label_uz = 'OAV xabari', label_ky = 'ЖМК кабары' WHERE vocab = 'source_type' AND term = 'media_report';
UPDATE vocab SET label_uz = 'Rasmiy bayonot', label_ky = 'Расмий билдирүү' WHERE vocab = 'source_type' AND term = 'official_statement';
UPDATE vocab SET label_uz = 'NNT hisoboti', label_ky = 'Бейөкмөт уюмдун баяндамасы' WHERE vocab = 'source_type' AND term = 'ngo_report';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'source_type' AND term = 'other';

UPDATE vocab SET label_uz = 'A — Ishonchli', label_ky = 'A — Ишенимдүү' WHERE vocab = 'reliability' AND term = 'reliable';
UPDATE vocab SET label_uz = 'B — Odatda ishonchli', label_ky = 'B — Адатта ишенимдүү' WHERE vocab = 'reliability' AND term = 'usually_reliable';
UPDATE vocab SET label_uz = 'C — Ancha ishonchli', label_ky = 'C — Кыйла ишенимдүү' WHERE vocab = 'reliability' AND term = 'fairly_reliable';
UPDATE vocab SET label_uz = 'D — Odatda ishonchsiz', label_ky = 'D — Адатта ишенимсиз' WHERE vocab = 'reliability' AND term = 'not_usually_reliable';
UPDATE vocab SET label_uz = 'E — Ishonchsiz', label_ky = 'E — Ишенимсиз' WHERE vocab = 'reliability' AND term = 'unreliable';
UPDATE vocab SET label_uz = 'F — Baholab bo‘lmaydi', label_ky = 'F — Баалоого мүмкүн эмес' WHERE vocab = 'reliability' AND term = 'cannot_judge';

UPDATE vocab SET label_uz = 'Shoshilinch harakat', label_ky = 'Шашылыш аракет' WHERE vocab = 'intervention_type' AND term = 'urgent_action';
UPDATE vocab SET label_uz = 'Murojaat', label_ky = 'Кайрылуу' WHERE vocab = 'intervention_type' AND term = 'appeal';
UPDATE vocab SET label_uz = 'Xat', label_ky = 'Кат' WHERE vocab = 'intervention_type' AND term = 'letter';
UPDATE vocab SET label_uz = 'BMT Qochqinlar ishlari bo‘yicha Oliy komissarligiga so‘rov', label_ky = 'БУУнун Качкындар боюнча Жогорку комиссарына суроо-талап' WHERE vocab = 'intervention_type' AND term = 'request_to_unhcr';
UPDATE vocab SET label_uz = 'Ommaviy bayonot', label_ky = 'Ачык билдирүү' WHERE vocab = 'intervention_type' AND term = 'public_statement';
UPDATE vocab SET label_uz = 'Tashrif', label_ky = 'Барып көрүү' WHERE vocab = 'intervention_type' AND term = 'visit';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'intervention_type' AND term = 'other';

UPDATE vocab SET label_uz = 'Rejalashtirilgan', label_ky = 'Пландалган' WHERE vocab = 'intervention_status' AND term = 'planned';
UPDATE vocab SET label_uz = 'Yuborilgan', label_ky = 'Жөнөтүлгөн' WHERE vocab = 'intervention_status' AND term = 'sent';
UPDATE vocab SET label_uz = 'Olingani tasdiqlangan', label_ky = 'Алынганы ырасталган' WHERE vocab = 'intervention_status' AND term = 'acknowledged';
UPDATE vocab SET label_uz = 'Javob olingan', label_ky = 'Жооп алынган' WHERE vocab = 'intervention_status' AND term = 'response_received';
UPDATE vocab SET label_uz = 'Yopilgan', label_ky = 'Жабылган' WHERE vocab = 'intervention_status' AND term = 'closed';

UPDATE vocab SET label_uz = 'BMT Qochqinlar ishlari bo‘yicha Oliy komissarligidagi ro‘yxat raqami', label_ky = 'БУУнун Качкындар боюнча Жогорку комиссарындагы каттоо номери' WHERE vocab = 'identifier_type' AND term = 'unhcr_registration';
UPDATE vocab SET label_uz = 'Pasport', label_ky = 'Паспорт' WHERE vocab = 'identifier_type' AND term = 'passport';
UPDATE vocab SET label_uz = 'Lagerdagi raqami', label_ky = 'Лагердеги номери' WHERE vocab = 'identifier_type' AND term = 'camp_id';
UPDATE vocab SET label_uz = 'Shaxsiy guvohnoma', label_ky = 'Жеке күбөлүк' WHERE vocab = 'identifier_type' AND term = 'national_id';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'identifier_type' AND term = 'other';

UPDATE vocab SET label_uz = 'Ota yoki ona', label_ky = 'Ата же эне' WHERE vocab = 'relation' AND term = 'parent';
UPDATE vocab SET label_uz = 'Farzand', label_ky = 'Бала' WHERE vocab = 'relation' AND term = 'child';
UPDATE vocab SET label_uz = 'Turmush o‘rtog‘i', label_ky = 'Жубайы' WHERE vocab = 'relation' AND term = 'spouse';
UPDATE vocab SET label_uz = 'Aka-uka yoki opa-singil', label_ky = 'Бир тууган' WHERE vocab = 'relation' AND term = 'sibling';
UPDATE vocab SET label_uz = 'Boshqa qarindosh', label_ky = 'Башка тууган' WHERE vocab = 'relation' AND term = 'relative';
UPDATE vocab SET label_uz = 'Boshqa', label_ky = 'Башка' WHERE vocab = 'relation' AND term = 'other';

UPDATE vocab SET label_uz = 'Bitta shaxs', label_ky = 'Бир эле адам' WHERE vocab = 'verdict' AND term = 'same';
UPDATE vocab SET label_uz = 'Boshqa-boshqa shaxslar', label_ky = 'Башка-башка адамдар' WHERE vocab = 'verdict' AND term = 'not_same';
UPDATE vocab SET label_uz = 'Aniq emas', label_ky = 'Так эмес' WHERE vocab = 'verdict' AND term = 'unsure';
