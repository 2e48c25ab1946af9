// Names, countries and phone formats for the demo customers: real-sounding
// people from many cultures (never lorem ipsum). Phone numbers use mobile
// prefixes of each country; every generated number still goes through
// normalizeIdentity, and one that does not parse is simply left out.
import type { Rng } from "./prng";

export type Culture = {
  country: string;
  code: string;
  weight: number;
  first: string[];
  last: string[];
  /** A plausible mobile number in E.164. */
  phone: (rng: Rng) => string;
  mail: string[];
};

const GLOBAL_MAIL = ["gmail.com", "outlook.com", "proton.me", "icloud.com", "yahoo.com", "hotmail.com"];

export const CULTURES: Culture[] = [
  {
    country: "United States",
    code: "US",
    weight: 14,
    first: ["James", "Emily", "Michael", "Olivia", "Ethan", "Madison", "Tyler", "Hannah", "Marcus", "Brianna", "Kevin", "Rachel", "Jordan", "Lauren"],
    last: ["Johnson", "Miller", "Davis", "Thompson", "Walker", "Harris", "Brooks", "Carter", "Reed", "Coleman", "Bishop", "Sullivan"],
    // 555-01XX is reserved for fiction.
    phone: (r) => `+1${r.pick(["212", "415", "312", "617", "206", "512", "303", "404"])}55501${r.int(0, 9)}${r.int(0, 9)}`,
    mail: [...GLOBAL_MAIL, "comcast.net"],
  },
  {
    country: "United Kingdom",
    code: "GB",
    weight: 7,
    first: ["Oliver", "Amelia", "Harry", "Isla", "George", "Charlotte", "Jack", "Freya", "Alfie", "Poppy"],
    last: ["Clarke", "Hughes", "Wright", "Evans", "Turner", "Bennett", "Fletcher", "Hall", "Whitmore", "Ashworth"],
    // Ofcom's drama range 07700 900000–900999.
    phone: (r) => `+447700900${r.int(0, 9)}${r.int(0, 9)}${r.int(0, 9)}`,
    mail: [...GLOBAL_MAIL, "btinternet.com"],
  },
  {
    country: "Ireland",
    code: "IE",
    weight: 2,
    first: ["Siobhán", "Cian", "Aoife", "Niamh", "Conor", "Róisín", "Oisín", "Caoimhe"],
    last: ["Murphy", "O'Brien", "Kelly", "Byrne", "Walsh", "Doyle", "Gallagher", "Ó Súilleabháin"],
    phone: (r) => `+3538${r.pick(["5", "6", "7"])}${r.digits(7)}`,
    mail: GLOBAL_MAIL,
  },
  {
    country: "Germany",
    code: "DE",
    weight: 9,
    first: ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Tobias", "Katharina", "Jan", "Sophie", "Moritz", "Johanna"],
    last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Hoffmann", "Koch", "Richter", "Wolf", "Schäfer", "Krüger"],
    phone: (r) => `+49${r.pick(["151", "160", "170", "176"])}${r.digits(8)}`,
    mail: ["web.de", "gmx.de", "posteo.de", "gmail.com", "t-online.de"],
  },
  {
    country: "France",
    code: "FR",
    weight: 6,
    first: ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Mathis", "Inès", "Théo", "Manon", "Raphaël"],
    last: ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine", "Mercier"],
    phone: (r) => `+336${r.digits(8)}`,
    mail: ["orange.fr", "free.fr", "laposte.net", "gmail.com"],
  },
  {
    country: "Spain",
    code: "ES",
    weight: 5,
    first: ["Lucía", "Javier", "Carmen", "Álvaro", "Marta", "Pablo", "Elena", "Diego", "Nerea", "Iker"],
    last: ["García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Torres", "Iglesias", "Castro"],
    phone: (r) => `+346${r.digits(8)}`,
    mail: ["gmail.com", "hotmail.es", "telefonica.net"],
  },
  {
    country: "Mexico",
    code: "MX",
    weight: 4,
    first: ["Ximena", "Santiago", "Valentina", "Mateo", "Renata", "Emiliano", "Regina", "Leonardo"],
    last: ["Hernández", "González", "Ramírez", "Flores", "Cruz", "Morales", "Reyes", "Ortiz"],
    phone: (r) => `+52${r.pick(["55", "33", "81"])}${r.digits(8)}`,
    mail: ["gmail.com", "hotmail.com", "outlook.com"],
  },
  {
    country: "Argentina",
    code: "AR",
    weight: 2,
    first: ["Martina", "Joaquín", "Sofía", "Tomás", "Catalina", "Facundo"],
    last: ["Gómez", "Díaz", "Pérez", "Álvarez", "Romero", "Sosa"],
    phone: (r) => `+54911${r.digits(8)}`,
    mail: ["gmail.com", "hotmail.com"],
  },
  {
    country: "Brazil",
    code: "BR",
    weight: 6,
    first: ["João", "Ana", "Gabriel", "Beatriz", "Rafael", "Larissa", "Thiago", "Juliana", "Lucas", "Fernanda"],
    last: ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ribeiro", "Carvalho", "Lima"],
    phone: (r) => `+55${r.pick(["11", "21", "31", "41"])}9${r.digits(8)}`,
    mail: ["gmail.com", "uol.com.br", "outlook.com"],
  },
  {
    country: "India",
    code: "IN",
    weight: 10,
    first: ["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Neha", "Rahul", "Ishaan", "Meera", "Divya", "Siddharth"],
    last: ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Mehta", "Desai", "Banerjee", "Kapoor", "Rao", "Joshi"],
    phone: (r) => `+91${r.pick(["9", "8", "7"])}${r.digits(9)}`,
    mail: ["gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com"],
  },
  {
    country: "China",
    code: "CN",
    weight: 4,
    first: ["Wei", "Jing", "Hao", "Xin", "Yu", "Mei", "Jun", "Lei", "Yan", "Tao"],
    last: ["Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Zhou", "Wu"],
    phone: (r) => `+861${r.pick(["3", "5", "8"])}${r.digits(9)}`,
    mail: ["qq.com", "163.com", "outlook.com"],
  },
  {
    country: "Japan",
    code: "JP",
    weight: 4,
    first: ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Yuto", "Sakura", "Kenji", "Emi"],
    last: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"],
    phone: (r) => `+81${r.pick(["90", "80", "70"])}${r.digits(8)}`,
    mail: ["gmail.com", "yahoo.co.jp", "icloud.com"],
  },
  {
    country: "South Korea",
    code: "KR",
    weight: 3,
    first: ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Eun-ji", "Hyun-woo"],
    last: ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon", "Han"],
    phone: (r) => `+8210${r.digits(8)}`,
    mail: ["naver.com", "gmail.com", "kakao.com"],
  },
  {
    country: "Nigeria",
    code: "NG",
    weight: 5,
    first: ["Chidi", "Ngozi", "Emeka", "Funmilayo", "Tunde", "Adaeze", "Oluwaseun", "Ifeoma", "Chiamaka", "Babatunde"],
    last: ["Nwosu", "Balogun", "Eze", "Okonkwo", "Adebayo", "Obi", "Afolabi", "Uche", "Olawale", "Chukwu"],
    phone: (r) => `+234${r.pick(["803", "806", "813", "816"])}${r.digits(7)}`,
    mail: ["gmail.com", "yahoo.com"],
  },
  {
    country: "Kenya",
    code: "KE",
    weight: 3,
    first: ["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Mwangi", "Akinyi", "Kiprop"],
    last: ["Kariuki", "Odhiambo", "Wambui", "Kiprono", "Mutua", "Chebet", "Njoroge", "Ochieng"],
    phone: (r) => `+2547${r.digits(8)}`,
    mail: ["gmail.com", "yahoo.com"],
  },
  {
    country: "Ghana",
    code: "GH",
    weight: 2,
    first: ["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Efua", "Kwabena", "Abena"],
    last: ["Boateng", "Asante", "Owusu", "Appiah", "Darko", "Agyeman", "Ofori", "Amoah"],
    phone: (r) => `+23324${r.digits(7)}`,
    mail: ["gmail.com", "yahoo.com"],
  },
  {
    country: "Ethiopia",
    code: "ET",
    weight: 1,
    first: ["Selam", "Abebe", "Hana", "Dawit", "Meron", "Yonas"],
    last: ["Tesfaye", "Bekele", "Girma", "Haile", "Alemu", "Tadesse"],
    phone: (r) => `+2519${r.digits(8)}`,
    mail: ["gmail.com"],
  },
  {
    country: "Egypt",
    code: "EG",
    weight: 3,
    first: ["Omar", "Nour", "Youssef", "Mariam", "Karim", "Salma", "Mostafa", "Habiba"],
    last: ["Hassan", "Mahmoud", "Ibrahim", "El-Sayed", "Farouk", "Abdel-Rahman", "Mansour", "Saleh"],
    phone: (r) => `+20${r.pick(["10", "11", "12"])}${r.digits(8)}`,
    mail: ["gmail.com", "hotmail.com"],
  },
  {
    country: "Turkey",
    code: "TR",
    weight: 3,
    first: ["Elif", "Emre", "Zeynep", "Burak", "Defne", "Mert", "Ece", "Can"],
    last: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan"],
    phone: (r) => `+905${r.pick(["32", "33", "42", "55"])}${r.digits(7)}`,
    mail: ["gmail.com", "hotmail.com", "yandex.com"],
  },
  {
    country: "Iran",
    code: "IR",
    weight: 1,
    first: ["Darius", "Shirin", "Arash", "Leila", "Kian", "Yasmin"],
    last: ["Hosseini", "Rahimi", "Karimi", "Tehrani", "Ahmadi", "Moradi"],
    phone: (r) => `+98912${r.digits(7)}`,
    mail: ["gmail.com", "yahoo.com"],
  },
  {
    country: "Poland",
    code: "PL",
    weight: 3,
    first: ["Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Magdalena", "Michał", "Zofia", "Paweł"],
    last: ["Nowak", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kaczmarek", "Mazur"],
    phone: (r) => `+48${r.pick(["5", "6", "7"])}${r.digits(8)}`,
    mail: ["gmail.com", "wp.pl", "onet.pl"],
  },
  {
    country: "Ukraine",
    code: "UA",
    weight: 2,
    first: ["Olena", "Dmytro", "Iryna", "Andriy", "Oksana", "Taras"],
    last: ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"],
    phone: (r) => `+380${r.pick(["67", "50", "63"])}${r.digits(7)}`,
    mail: ["gmail.com", "ukr.net"],
  },
  {
    country: "Sweden",
    code: "SE",
    weight: 2,
    first: ["Astrid", "Erik", "Elsa", "Oskar", "Saga", "Linnea", "Nils", "Maja"],
    last: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Berg", "Holm", "Sjöberg"],
    phone: (r) => `+4670${r.digits(7)}`,
    mail: ["gmail.com", "telia.com"],
  },
  {
    country: "Netherlands",
    code: "NL",
    weight: 3,
    first: ["Daan", "Sanne", "Bram", "Fleur", "Joost", "Lotte", "Sem", "Noor"],
    last: ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "de Jong", "van den Berg"],
    phone: (r) => `+316${r.digits(8)}`,
    mail: ["gmail.com", "ziggo.nl", "kpnmail.nl"],
  },
  {
    country: "Italy",
    code: "IT",
    weight: 3,
    first: ["Giulia", "Lorenzo", "Francesca", "Matteo", "Chiara", "Alessandro", "Federica", "Davide"],
    last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"],
    phone: (r) => `+393${r.pick(["20", "33", "47", "49"])}${r.digits(7)}`,
    mail: ["gmail.com", "libero.it", "virgilio.it"],
  },
  {
    country: "Vietnam",
    code: "VN",
    weight: 2,
    first: ["Linh", "Minh", "Thao", "Quang", "Lan", "Duc", "Huong", "Khanh"],
    last: ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"],
    phone: (r) => `+849${r.pick(["0", "1", "3", "8"])}${r.digits(7)}`,
    mail: ["gmail.com", "yahoo.com.vn"],
  },
  {
    country: "Philippines",
    code: "PH",
    weight: 3,
    first: ["Andrea", "Miguel", "Patricia", "Carlo", "Bea", "Paolo", "Kristine", "Joshua"],
    last: ["Santos", "Reyes", "Cruz", "Bautista", "Villanueva", "Aquino", "Mendoza", "Dela Cruz"],
    phone: (r) => `+639${r.pick(["17", "18", "27", "99"])}${r.digits(7)}`,
    mail: ["gmail.com", "yahoo.com"],
  },
  {
    country: "Indonesia",
    code: "ID",
    weight: 2,
    first: ["Putri", "Budi", "Dewi", "Agus", "Sari", "Rizky", "Ayu", "Fajar"],
    last: ["Wijaya", "Santoso", "Pratama", "Kusuma", "Hidayat", "Saputra", "Setiawan", "Halim"],
    phone: (r) => `+62812${r.digits(8)}`,
    mail: ["gmail.com", "yahoo.co.id"],
  },
  {
    country: "Australia",
    code: "AU",
    weight: 3,
    first: ["Lachlan", "Chloe", "Mitchell", "Matilda", "Cooper", "Isabella"],
    last: ["Wilson", "Taylor", "Campbell", "Stewart", "McKenzie", "Fraser"],
    phone: (r) => `+614${r.digits(8)}`,
    mail: ["gmail.com", "bigpond.com", "outlook.com"],
  },
];

/** Fictional companies that buy Acme Cloud (domains for work email addresses). */
export const COMPANIES: { name: string; domain: string }[] = [
  { name: "Brightlane Studio", domain: "brightlane.io" },
  { name: "Kestrel Analytics", domain: "kestrel-analytics.com" },
  { name: "Copperleaf Foods", domain: "copperleaf.co" },
  { name: "Harbor & Finch", domain: "harborfinch.com" },
  { name: "Nimbus Health", domain: "nimbushealth.io" },
  { name: "Tidewater Energy", domain: "tidewater-energy.com" },
  { name: "Lumen Legal", domain: "lumenlegal.eu" },
  { name: "Quokka Games", domain: "quokkagames.au" },
  { name: "Saffron Travel", domain: "saffrontravel.in" },
  { name: "Fjordline Design", domain: "fjordline.se" },
  { name: "Mosaic Learning", domain: "mosaiclearning.org" },
  { name: "Pinecrest Realty", domain: "pinecrestrealty.com" },
  { name: "Orbital Freight", domain: "orbitalfreight.de" },
  { name: "Bluebird Bakery", domain: "bluebirdbakery.co.uk" },
  { name: "Atlas Robotics", domain: "atlasrobotics.jp" },
  { name: "Verde Gardens", domain: "verdegardens.mx" },
  { name: "Ironbark Consulting", domain: "ironbark.consulting" },
  { name: "Sunday Coffee Roasters", domain: "sundaycoffee.nl" },
  { name: "Papaya Payments", domain: "papayapay.com.br" },
  { name: "Lagos Loop", domain: "lagosloop.ng" },
  { name: "Savanna Solar", domain: "savannasolar.co.ke" },
  { name: "Kinetic Labs", domain: "kineticlabs.dev" },
  { name: "Maple & Moss", domain: "maplemoss.ca" },
  { name: "Hanami Books", domain: "hanamibooks.jp" },
  { name: "Nordwind Mobility", domain: "nordwind-mobility.de" },
  { name: "Riverstone Clinic", domain: "riverstoneclinic.com" },
  { name: "Cobalt Security", domain: "cobaltsec.io" },
  { name: "Terra Firma Architects", domain: "terrafirma.it" },
  { name: "Pixel Harvest", domain: "pixelharvest.pl" },
  { name: "Golden Hour Films", domain: "goldenhour.film" },
  { name: "Sahara Logistics", domain: "saharalogistics.eg" },
  { name: "Bosphorus Digital", domain: "bosphorusdigital.com.tr" },
  { name: "Lotus Wellness", domain: "lotuswellness.vn" },
  { name: "Manila Makers", domain: "manilamakers.ph" },
  { name: "Seoul Sound Lab", domain: "seoulsoundlab.kr" },
  { name: "Andes Outdoor", domain: "andesoutdoor.com.ar" },
];

export const SIGNUP_SOURCES = ["organic search", "google ads", "referral", "linkedin", "product hunt", "partner", "newsletter", "conference"] as const;

/** ASCII local part for an email address ("José Núñez" → "jose.nunez"). */
export function asciiSlug(s: string): string {
  return s
    .replace(/ı/g, "i")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .replace(/ø/g, "o")
    .replace(/ß/g, "ss")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "");
}
