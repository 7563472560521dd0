//! A sample dataset modelled on the seed (Amnesty International, 2005: Uzbek
//! asylum-seekers in Kyrgyzstan at risk of forcible return). The situation follows the
//! release; **every person is fictional** and every record is flagged `sample`, with
//! names in Uzbek Cyrillic, Uzbek Latin and Russian spellings.

use super::Nansen;
use crate::domain::Kind;
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;
use uuid::Uuid;

const NOTE: &str = "SAMPLE DATA — a fictional person, not a real case.";

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoReport {
    pub persons: usize,
    pub groups: usize,
    pub events: usize,
    pub locations: usize,
    pub actors: usize,
    pub sources: usize,
    pub statuses: usize,
    pub interventions: usize,
}

/// (Uzbek Cyrillic, Uzbek Latin, Russian, sex)
const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("Азиз Каримов", "Aziz Karimov", "Азиз Каримов", "male"),
    (
        "Баҳтиёр Юсупов",
        "Baxtiyor Yusupov",
        "Бахтиёр Юсупов",
        "male",
    ),
    (
        "Дилшод Абдуллаев",
        "Dilshod Abdullayev",
        "Дильшод Абдуллаев",
        "male",
    ),
    (
        "Жамшид Раҳимов",
        "Jamshid Rahimov",
        "Джамшид Рахимов",
        "male",
    ),
    (
        "Шерзод Турсунов",
        "Sherzod Tursunov",
        "Шерзод Турсунов",
        "male",
    ),
    (
        "Улуғбек Исмоилов",
        "Ulug‘bek Ismoilov",
        "Улугбек Исмаилов",
        "male",
    ),
    (
        "Фаррух Холматов",
        "Farrux Xolmatov",
        "Фаррух Холматов",
        "male",
    ),
    ("Илҳом Эргашев", "Ilhom Ergashev", "Ильхом Эргашев", "male"),
    ("Комил Назаров", "Komil Nazarov", "Камил Назаров", "male"),
    (
        "Отабек Мирзаев",
        "Otabek Mirzayev",
        "Отабек Мирзаев",
        "male",
    ),
    (
        "Рустам Султонов",
        "Rustam Sultonov",
        "Рустам Султанов",
        "male",
    ),
    (
        "Санжар Ғуломов",
        "Sanjar G‘ulomov",
        "Санджар Гуломов",
        "male",
    ),
    ("Тимур Қодиров", "Timur Qodirov", "Тимур Кадыров", "male"),
    (
        "Нодира Каримова",
        "Nodira Karimova",
        "Нодира Каримова",
        "female",
    ),
    (
        "Гулноза Юсупова",
        "Gulnoza Yusupova",
        "Гульноза Юсупова",
        "female",
    ),
    (
        "Маҳмуд Тошматов",
        "Mahmud Toshmatov",
        "Махмуд Ташматов",
        "male",
    ),
    ("Ботир Саидов", "Botir Saidov", "Батыр Саидов", "male"),
];

impl Nansen {
    /// Loads the sample dataset into this store.
    pub fn load_demo(&mut self) -> Result<DemoReport> {
        let already: i64 =
            self.conn()
                .query_row("SELECT count(*) FROM person WHERE sample = 1", [], |r| {
                    r.get(0)
                })?;
        if already > 0 {
            return Err(Error::invalid(super::messages::sample_data_loaded()));
        }
        let s = |v: Value| {
            let mut v = v;
            v["sample"] = json!(true);
            v
        };
        let add = |n: &mut Nansen, kind: Kind, v: Value| -> Result<Uuid> { n.add(kind, &s(v)) };

        // Places.
        let kg = add(
            self,
            Kind::Location,
            json!({"name": "Kyrgyzstan", "type": "country",
            "aliases": [{"text": "Кыргызстан", "lang": "ru-Cyrl"}, {"text": "Qirg‘iziston", "lang": "uz-Latn"}]}),
        )?;
        let uz = add(
            self,
            Kind::Location,
            json!({"name": "Uzbekistan", "type": "country",
            "aliases": [{"text": "Узбекистан", "lang": "ru-Cyrl"}, {"text": "O‘zbekiston", "lang": "uz-Latn"}, {"text": "Ўзбекистон", "lang": "uz-Cyrl"}]}),
        )?;
        let region = add(
            self,
            Kind::Location,
            json!({"name": "Jalal-Abad Region", "type": "region", "parent": kg.to_string(),
            "aliases": [{"text": "Жалал-Абадская область", "lang": "ru-Cyrl"}]}),
        )?;
        let camp = add(
            self,
            Kind::Location,
            json!({"name": "Camp A (sample) near the border", "type": "camp", "parent": region.to_string(),
            "coordinates": {"lat": 40.9, "lon": 72.9},
            "notes": "SAMPLE DATA — a fictional camp standing for the one in the release."}),
        )?;
        let osh = add(
            self,
            Kind::Location,
            json!({"name": "Osh", "type": "settlement", "parent": kg.to_string(),
            "aliases": [{"text": "Ош", "lang": "ru-Cyrl"}]}),
        )?;
        let osh_dc = add(
            self,
            Kind::Location,
            json!({"name": "Osh detention centre", "type": "detention_centre", "parent": osh.to_string(),
            "aliases": [{"text": "Следственный изолятор, Ош", "lang": "ru-Cyrl"}]}),
        )?;
        let andijan = add(
            self,
            Kind::Location,
            json!({"name": "Andijan", "type": "settlement", "parent": uz.to_string(),
            "aliases": [{"text": "Андижан", "lang": "ru-Cyrl"}, {"text": "Andizhan", "lang": "ru-Latn"}, {"text": "Andijon", "lang": "uz-Latn"}, {"text": "Андижон", "lang": "uz-Cyrl"}]}),
        )?;

        // Actors.
        let prosecutor = add(
            self,
            Kind::Actor,
            json!({"name": "Prosecutor General of Kyrgyzstan", "type": "prosecutor", "country": "KG",
            "aliases": [{"text": "Генеральный прокурор Кыргызской Республики", "lang": "ru-Cyrl"}]}),
        )?;
        let officers = add(
            self,
            Kind::Actor,
            json!({"name": "Uzbekistani security officers in civilian clothes", "type": "security_forces", "country": "UZ",
            "aliases": [{"text": "Сотрудники спецслужб Узбекистана в штатском", "lang": "ru-Cyrl"}]}),
        )?;
        let authorities = add(
            self,
            Kind::Actor,
            json!({"name": "Kyrgyz authorities", "type": "state_authority", "country": "KG",
            "aliases": [{"text": "Власти Кыргызстана", "lang": "ru-Cyrl"}]}),
        )?;
        let unhcr = add(
            self,
            Kind::Actor,
            json!({"name": "UNHCR", "type": "international_organisation",
            "aliases": [{"text": "УВКБ ООН", "lang": "ru-Cyrl"}, {"text": "Office of the UN High Commissioner for Refugees", "lang": "en-Latn"}]}),
        )?;
        let ngo = add(
            self,
            Kind::Actor,
            json!({"name": "Monitoring NGO (sample)", "type": "ngo"}),
        )?;

        // Sources.
        let release = add(
            self,
            Kind::Source,
            json!({"type": "ngo_report", "title": "Kyrgyzstan: More asylum-seekers at risk of forcible return",
            "reliability": "usually_reliable", "date": "2005-06", "reported_by": ngo.to_string(), "confidentiality": "public",
            "content": "The Prosecutor General has asked for a further 103 asylum-seekers to be removed from the camp and detained; 29 were taken to a detention centre in Osh at the end of last week; four men have already been returned forcibly."}),
        )?;
        let testimony = add(
            self,
            Kind::Source,
            json!({"type": "testimony", "title": "Testimony of a camp resident (sample)",
            "informant": "Camp resident, name withheld", "consent": true, "reliability": "fairly_reliable", "date": "2005-06-10",
            "confidentiality": "strictly_confidential", "content": "Men in civilian clothes, speaking Uzbek, stood around the camp all Thursday."}),
        )?;
        let statement = add(
            self,
            Kind::Source,
            json!({"type": "official_statement", "title": "Request of the Prosecutor General (as reported)",
            "reliability": "cannot_judge", "reported_by": prosecutor.to_string(), "date": "2005-06"}),
        )?;

        // People.
        let mut persons = Vec::new();
        for (i, (cyr, lat, ru, sex)) in PEOPLE.iter().enumerate() {
            let mut aliases = vec![json!({"text": lat, "lang": "uz-Latn"})];
            if ru != cyr {
                aliases.push(json!({"text": ru, "lang": "ru-Cyrl"}));
            }
            let id = add(
                self,
                Kind::Person,
                json!({
                    "name": {"text": cyr, "lang": "uz-Cyrl"},
                    "aliases": aliases,
                    "sex": sex,
                    "birth_date": format!("{}~", 1965 + (i * 3) % 25),
                    "nationality": "UZ",
                    "origin": andijan.to_string(),
                    "notes": NOTE,
                    "identifiers": [{"type": "camp_id", "value": format!("A-{:03}", 101 + i * 7)}],
                }),
            )?;
            persons.push(id);
        }
        let ids = |r: std::ops::Range<usize>| -> Vec<Value> {
            persons[r]
                .iter()
                .map(|p| json!({"person": p.to_string()}))
                .collect()
        };

        // Groups: counts asserted by the sources, members added as they become known.
        let list_103 = add(
            self,
            Kind::Group,
            json!({"name": "List of 103 submitted by the Prosecutor General", "asserted_count": 103,
            "location": camp.to_string(), "members": ids(0..3), "sources": [{"source": release.to_string()}, {"source": statement.to_string()}]}),
        )?;
        let taken_29 = add(
            self,
            Kind::Group,
            json!({"name": "29 taken to the Osh detention centre", "asserted_count": 29,
            "location": osh_dc.to_string(), "members": ids(3..15), "sources": [{"source": release.to_string()}]}),
        )?;
        let returned_4 = add(
            self,
            Kind::Group,
            json!({"name": "Four men forcibly returned to Uzbekistan", "asserted_count": 4,
            "members": ids(15..17), "sources": [{"source": release.to_string()}]}),
        )?;

        // Events.
        let e0 = add(
            self,
            Kind::Event,
            json!({"type": "ill_treatment", "title": "Government troops fire on demonstrators in Andijan",
            "date": "2005-05-13", "location": andijan.to_string(), "sources": [{"source": release.to_string()}]}),
        )?;
        let e1 = add(
            self,
            Kind::Event,
            json!({"type": "removal_request", "title": "Prosecutor General asks for 103 asylum-seekers to be detained",
            "date": "2005-06", "location": camp.to_string(),
            "involvements": [{"role": "requesting_authority", "actor": prosecutor.to_string()}, {"role": "victim", "group": list_103.to_string()}],
            "sources": [{"source": release.to_string()}, {"source": statement.to_string()}]}),
        )?;
        let e2 = add(
            self,
            Kind::Event,
            json!({"type": "camp_surrounded", "title": "Camp surrounded by security officers in civilian clothes",
            "date": "2005-06-09", "location": camp.to_string(),
            "involvements": [{"role": "perpetrator", "actor": officers.to_string()}],
            "sources": [{"source": release.to_string()}, {"source": testimony.to_string()}]}),
        )?;
        let e3 = add(
            self,
            Kind::Event,
            json!({"type": "detention", "title": "29 asylum-seekers taken to the Osh detention centre",
            "date": "2005-06-03/2005-06-05", "location": osh_dc.to_string(),
            "involvements": [{"role": "victim", "group": taken_29.to_string()}, {"role": "perpetrator", "actor": authorities.to_string()}],
            "sources": [{"source": release.to_string()}]}),
        )?;
        let e4 = add(
            self,
            Kind::Event,
            json!({"type": "forcible_return", "title": "Four men forcibly returned to Uzbekistan",
            "date": "../2005-06-10", "location": uz.to_string(),
            "involvements": [{"role": "victim", "group": returned_4.to_string()}, {"role": "perpetrator", "actor": authorities.to_string()}],
            "sources": [{"source": release.to_string()}]}),
        )?;
        let _ = (e0, e2);

        // Statuses.
        let mut statuses = 0;
        for v in [
            json!({"group": list_103.to_string(), "type": "protection", "value": "at_risk", "imminent": false,
                   "effective": "2005-06", "location": camp.to_string(), "event": e1.to_string(),
                   "notes": "Still believed to be in the camp."}),
            json!({"group": taken_29.to_string(), "type": "protection", "value": "at_risk", "imminent": true,
                   "effective": "2005-06-10", "location": osh_dc.to_string(), "event": e3.to_string(),
                   "sources": [{"source": release.to_string()}]}),
            json!({"group": taken_29.to_string(), "type": "refugee", "value": "assessment_pending", "effective": "2005-06",
                   "sources": [{"source": release.to_string()}]}),
            json!({"person": persons[3].to_string(), "type": "refugee", "value": "registered", "effective": "2005-05-20"}),
        ] {
            add(self, Kind::Status, v)?;
            statuses += 1;
        }

        // Interventions.
        add(
            self,
            Kind::Intervention,
            json!({"type": "urgent_action", "title": "Urgent action: 29 at risk of imminent forcible return",
            "by": ngo.to_string(), "target": authorities.to_string(), "date": "2005-06-10", "due": "2005-06-24", "status": "sent",
            "concerns": [{"group": taken_29.to_string()}, {"event": e3.to_string()}]}),
        )?;
        add(
            self,
            Kind::Intervention,
            json!({"type": "request_to_unhcr", "title": "Ask UNHCR to complete the assessment of the 29",
            "by": ngo.to_string(), "target": unhcr.to_string(), "date": "2005-06-11", "due": "2005-06-18", "status": "planned",
            "concerns": [{"group": taken_29.to_string()}]}),
        )?;
        add(
            self,
            Kind::Intervention,
            json!({"type": "appeal", "title": "Call for resettlement in a third country",
            "by": ngo.to_string(), "target": authorities.to_string(), "date": "2005-06-12", "status": "planned",
            "concerns": [{"group": list_103.to_string()}, {"event": e4.to_string()}]}),
        )?;

        Ok(DemoReport {
            persons: persons.len(),
            groups: 3,
            events: 5,
            locations: 7,
            actors: 5,
            sources: 3,
            statuses,
            interventions: 3,
        })
    }
}
