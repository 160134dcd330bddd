/**
 * Generated customers for the benchmark: deterministic (customer i is always the same), of a
 * realistic size (name, e-mail, phone, address, two metadata keys: about 1 KB as JSON), with
 * unique e-mails and names drawn from 100 × 100 first and last names, so that a name substring
 * matches about as often as it would in a real customer base.
 */
import type { CustomerPatch } from '../src/domain/customers/model.ts';

const FIRST = [
  'Ada', 'Alan', 'Alice', 'Amara', 'Andrea', 'Anika', 'Arjun', 'Astrid', 'Beatriz', 'Benjamin', 'Bianca', 'Bruno', 'Camille',
  'Carlos', 'Chen', 'Chiara', 'Clara', 'Daniel', 'Dara', 'David', 'Diego', 'Elena', 'Elif', 'Emeka', 'Emma', 'Erik', 'Fatima',
  'Felix', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hassan', 'Helena', 'Hugo', 'Ines', 'Ingrid', 'Isaac', 'Ivan', 'Jamal', 'Jenny',
  'Jonas', 'Julia', 'Kai', 'Kaito', 'Karim', 'Katarina', 'Kenji', 'Lara', 'Leila', 'Leon', 'Lina', 'Lucas', 'Luis', 'Maya',
  'Marco', 'Maria', 'Mateo', 'Mei', 'Mila', 'Nadia', 'Naomi', 'Nikolai', 'Noah', 'Nora', 'Olga', 'Omar', 'Oscar', 'Paula',
  'Pedro', 'Priya', 'Rafael', 'Rania', 'Ravi', 'Rosa', 'Ruth', 'Sami', 'Sara', 'Sebastian', 'Sofia', 'Sven', 'Tariq', 'Tessa',
  'Theo', 'Tomas', 'Uma', 'Valentina', 'Victor', 'Wanjiru', 'Wei', 'Xavier', 'Yara', 'Yuki', 'Yusuf', 'Zara', 'Zoe', 'Ahmed',
  'Bea', 'Cyrus', 'Dmitri',
];
const LAST = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Andersen', 'Bauer', 'Becker', 'Bianchi', 'Brennan', 'Castillo', 'Chandra', 'Costa', 'Dalton',
  'Dubois', 'Eriksson', 'Esposito', 'Fernandes', 'Fischer', 'Fujita', 'Garcia', 'Gonzaga', 'Gupta', 'Haddad', 'Hansen', 'Hoffmann',
  'Ibrahim', 'Ivanova', 'Jansen', 'Jimenez', 'Kaur', 'Keller', 'Kim', 'Kowalski', 'Larsen', 'Lehmann', 'Lindqvist', 'Lopez',
  'Mahmoud', 'Marino', 'Martins', 'Meyer', 'Moreau', 'Murphy', 'Nakamura', 'Novak', 'Nowak', 'Okafor', 'Olsen', 'Ortega', 'Park',
  'Patel', 'Pereira', 'Petrov', 'Quinn', 'Rahman', 'Ramos', 'Reyes', 'Ricci', 'Rosen', 'Rossi', 'Russo', 'Saito', 'Santos',
  'Schmidt', 'Schulz', 'Silva', 'Singh', 'Sokolov', 'Suzuki', 'Tanaka', 'Thompson', 'Torres', 'Umar', 'Vargas', 'Varga', 'Vogel',
  'Wagner', 'Walsh', 'Weber', 'Wong', 'Yamamoto', 'Yilmaz', 'Young', 'Zhang', 'Zimmermann', 'Zielinski', 'Okonkwo', 'Lindgren',
  'Moretti', 'Haas', 'Hughes', 'Kovacs', 'Laine', 'Mendes', 'Nguyen', 'Oliveira', 'Popescu', 'Sato', 'Tran', 'Virtanen', 'Ward',
];
const CITIES = [
  ['Springfield', 'IL', 'US'], ['Portland', 'OR', 'US'], ['Austin', 'TX', 'US'], ['Toronto', 'ON', 'CA'], ['Berlin', null, 'DE'],
  ['Lyon', null, 'FR'], ['Madrid', null, 'ES'], ['Osaka', null, 'JP'], ['Melbourne', 'VIC', 'AU'], ['Dublin', null, 'IE'],
] as const;
const PLANS = ['free', 'starter', 'pro', 'business', 'enterprise'];

/** The name of customer i (100 × 100 combinations). */
export function customerName(i: number): string {
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}

/** The create parameters of customer i, as the domain takes them. */
export function customerPatch(i: number): CustomerPatch {
  const name = customerName(i);
  const [city, state, country] = CITIES[i % CITIES.length]!;
  return {
    name,
    email: `${name.toLowerCase().replace(' ', '.')}.${i}@example.com`,
    phone: `+1555${String(i % 10_000_000).padStart(7, '0')}`,
    description: `Customer ${i}, imported by the benchmark`,
    address: {
      line1: `${(i % 9000) + 100} Main Street`,
      line2: i % 3 === 0 ? `Suite ${i % 500}` : null,
      city,
      state,
      postal_code: String(10000 + (i % 89999)),
      country,
    },
    metadata: { set: { plan: PLANS[i % PLANS.length]!, ref: `ref-${i}` } },
  };
}

/** Form parameters (Stripe's encoding, as its SDKs send them) for a create through the API. */
export function createForm(token: string): string {
  return new URLSearchParams({
    name: 'Bench Create',
    email: `bench.${token}@example.com`,
    phone: '+15550001111',
    description: 'Created by the benchmark',
    'address[line1]': '1 Main Street',
    'address[city]': 'Springfield',
    'address[state]': 'IL',
    'address[postal_code]': '62701',
    'address[country]': 'US',
    'metadata[plan]': 'pro',
  }).toString();
}
