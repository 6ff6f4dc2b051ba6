import type { ThemePack } from './pack.ts'

// The restaurant theme pack, with SemEval-2014's categories (food, service, price, ambience,
// anecdotes/miscellaneous). Cues and examples are written from how diners talk, not copied from
// the benchmark; the benchmark's sentences train the classifier only inside cross-validation.

const DISHES =
  '(food|foods|meal|meals|dish|dishes|menu|entree|entrees|appetizer|appetizers|starter|starters|' +
  'dessert|desserts|pizza|pizzas|pasta|sushi|sashimi|roll|rolls|burger|burgers|steak|steaks|fish|' +
  'chicken|beef|pork|lamb|duck|seafood|shrimp|lobster|crab|oysters|salmon|tuna|noodles|ramen|' +
  'soup|soups|salad|salads|sandwich|sandwiches|bread|rice|curry|tacos|taco|dumplings|dim sum|' +
  'bagel|bagels|fries|cheese|sauce|sauces|crust|toppings|portions|portion|brunch|breakfast|' +
  'lunch|dinner|wine|wines|beer|beers|drinks|drink|cocktails|cocktail|coffee|tea|sake|' +
  'specials|special|tasting menu|chef|kitchen|cuisine|flavor|flavors|flavour|taste|tastes|' +
  'ingredients|vegetarian|vegan|spicy|fresh|delicious|tasty|bland|overcooked|undercooked|' +
  'greasy|salty|soggy|stale|yummy|flavorful|mouth watering|cooked|seasoned)'

const STAFF =
  '(service|staff|waiter|waiters|waitress|waitresses|server|servers|host|hostess|bartender|' +
  'bartenders|manager|owner|owners|busboy|maitre d|wait staff|waitstaff|employees|crew)'

export const restaurantPack: ThemePack = {
  id: 'restaurant',
  version: 1,
  label: 'Restaurant (SemEval-2014 categories)',
  neutralMentions: true,
  fallbackTheme: 'anecdotes/miscellaneous',
  themes: [
    {
      id: 'food',
      label: 'Food & drink',
      description: 'Dishes, drinks, taste, freshness, portions, the menu and the kitchen.',
      cues: [DISHES, '(ate|eat|eating|ordered|order|tried|try|had the|get the|recommend the)'],
      antiCues: ['order .. (took|take|taking) (forever|long|ages)', 'taste in (music|decor)'],
      examples: [
        'The pasta was perfectly cooked and the sauce was rich.',
        'Best sushi I have had in the city, so fresh.',
        'The steak came out overcooked and bland.',
        'Great selection of wines and the desserts are amazing.',
        'Portions are huge and everything tastes homemade.',
        'The menu has lots of vegetarian options.',
        'My burger was greasy and the fries were soggy.',
        'Try the dumplings, they are delicious.',
      ],
    },
    {
      id: 'service',
      label: 'Service',
      description: 'Staff, waiting for a table or the food, attention, friendliness, reservations.',
      cues: [
        STAFF,
        '(attentive|rude|friendly|polite|courteous|helpful|accommodating|inattentive|unfriendly|snobby|hospitable|professional)',
        '(waited|wait|waiting) .. (minutes|hour|hours|forever|table|seated|food|order)',
        '(seated|seat us|reservation|reservations|greeted|welcomed|served|refill|refilled|check|bill came)',
        '(took|take|taking) (forever|ages|long) to',
      ],
      antiCues: ['(wait|waiting) to (go back|return|try|come back)', 'can\'t wait'],
      examples: [
        'Our waiter was attentive and friendly all night.',
        'The service was slow and the staff ignored us.',
        'We waited 45 minutes for a table even with a reservation.',
        'The hostess was rude when we asked to be seated.',
        'The manager came over to apologize and comped our drinks.',
        'Service is quick and efficient.',
        'Nobody refilled our water the whole meal.',
        'The staff made us feel welcome.',
      ],
    },
    {
      id: 'price',
      label: 'Price & value',
      description: 'Prices, value for money, the bill, deals.',
      cues: [
        '(price|prices|priced|pricing|pricey|expensive|cheap|cheaper|inexpensive|affordable|overpriced|costly|cost|costs)',
        '(value|worth|deal|bargain|bill|budget|money|dollars|bucks|wallet|splurge|reasonable|reasonably)',
        '$',
      ],
      antiCues: ['worth (the wait|waiting|a visit|a try|going|checking out)', 'value (our|your|their) (business|time)'],
      examples: [
        'The prices are very reasonable for Manhattan.',
        'Way too expensive for what you get.',
        'Great value, we paid $40 for two with wine.',
        'It is a bit pricey but worth every penny.',
        'Overpriced and underwhelming.',
        'Cheap eats and generous portions.',
      ],
    },
    {
      id: 'ambience',
      label: 'Ambience',
      description: 'Atmosphere, decor, music, noise, space, seating, view, cleanliness.',
      cues: [
        '(ambience|ambiance|atmosphere|decor|décor|interior|vibe|setting|music|noise|noisy|loud|quiet|romantic|cozy|cosy|intimate|cramped|crowded|spacious|lighting|dim|candle|candles|view|views|patio|garden|outdoor|terrace|bar area|dining room|room|space|tables are|seating|chairs|booth|booths|decorated|classy|elegant|trendy|hip|charming|dingy|dirty|clean)',
        '(place|restaurant|spot) (is|was|looks|felt|feels) .. (beautiful|gorgeous|lovely|nice|cute|small|tiny|packed|comfortable)',
      ],
      antiCues: ['(no|not enough) room for dessert', 'clean (plates|plate)'],
      examples: [
        'The atmosphere is romantic, perfect for a date.',
        'It was so loud we could not hear each other.',
        'Lovely decor and a great view of the river.',
        'The room is cramped and the tables are too close together.',
        'Cozy little spot with candles and soft music.',
        'The place was dirty and smelled bad.',
      ],
    },
    {
      id: 'anecdotes/miscellaneous',
      label: 'Anecdotes & miscellaneous',
      description: 'The visit as a whole, recommendations, coming back, the place in general.',
      cues: [
        '(will|would|definitely|never|not) (be back|go back|come back|return|returning|recommend)',
        '(highly|strongly) recommend',
        '(best|favorite|favourite|worst) (restaurant|place|spot) (in|on|around)',
        '(birthday|anniversary|date night|celebration|occasion|party|family|friends|girlfriend|boyfriend|husband|wife)',
        '(came|come|went|go|been) here',
        '(neighborhood|neighbourhood|city|town|experience|overall|evening|night)',
      ],
      antiCues: [],
      examples: [
        'We went there for my birthday last week.',
        'I have been coming here for years and will keep coming back.',
        'Highly recommend this place to anyone.',
        'This is my favorite spot in the neighborhood.',
        'Overall a great experience, we will be back.',
        'My friends and I went on a Friday night.',
        'Never again.',
        'A true gem.',
      ],
    },
  ],
}
