/**
 * Real data no one here wrote: vega-datasets tables (flights, airports, cars, movies, weather,
 * stocks, penguins, gapminder) in gyre and in DuckDB, and hand-written analytical queries run
 * on both; results compared as sorted rows (floats with a relative tolerance of 1e-9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compare, type Databases, openBoth } from './fuzz/harness.js';
import { loadVega } from './vega/load.js';

export const VEGA_QUERIES: readonly string[] = [
  // flights
  'SELECT count(*), avg(delay), min(delay), max(delay), sum(distance) FROM flights',
  'SELECT origin, count(*) AS n, avg(delay) AS avg_delay FROM flights GROUP BY origin HAVING count(*) > 200',
  'SELECT origin, destination, count(*) FROM flights GROUP BY origin, destination ORDER BY 3 DESC, 1, 2 LIMIT 15',
  'SELECT extract(hour FROM ts) AS h, count(*), avg(delay) FROM flights GROUP BY 1',
  "SELECT date_trunc('month', ts) AS m, count(*), sum(CASE WHEN delay > 15 THEN 1 ELSE 0 END) AS late FROM flights GROUP BY 1",
  'SELECT origin, percentile_bucket, count(*) FROM (SELECT origin, CASE WHEN delay < 0 THEN \'early\' WHEN delay < 15 THEN \'on time\' WHEN delay < 60 THEN \'late\' ELSE \'very late\' END AS percentile_bucket FROM flights) AS t GROUP BY ALL',
  'SELECT a.state, count(*) AS flights, avg(f.delay) FROM flights f JOIN airports a ON f.origin = a.iata GROUP BY a.state',
  'SELECT f.origin, a.city, f.destination, b.city FROM flights f JOIN airports a ON f.origin = a.iata JOIN airports b ON f.destination = b.iata WHERE f.distance > 2500',
  'SELECT origin FROM flights EXCEPT SELECT iata FROM airports WHERE state = \'CA\'',
  'SELECT count(DISTINCT origin), count(DISTINCT destination), count(DISTINCT origin || \'-\' || destination) FROM flights',
  'SELECT origin, max(delay) - min(delay) AS spread, stddev_samp(delay) FROM flights GROUP BY origin HAVING count(*) >= 50',
  'SELECT ts, origin, delay, rank() OVER (PARTITION BY origin ORDER BY delay DESC, ts) AS r FROM flights QUALIFY r <= 3',
  'SELECT origin, delay, avg(delay) OVER (PARTITION BY origin) AS origin_avg FROM flights WHERE destination = \'SFO\'',
  'SELECT CAST(ts AS DATE) AS day, count(*), sum(count(*)) OVER (ORDER BY CAST(ts AS DATE)) AS running FROM flights GROUP BY 1',
  'SELECT origin, count(*) FROM flights WHERE origin IN (SELECT iata FROM airports WHERE state = \'TX\') GROUP BY origin',
  'SELECT a.iata, a.name FROM airports a WHERE a.state = \'NV\' AND NOT EXISTS (SELECT 1 FROM flights f WHERE f.origin = a.iata)',
  'SELECT a.iata, (SELECT count(*) FROM flights f WHERE f.destination = a.iata) AS arrivals FROM airports a WHERE a.state = \'AZ\'',
  'WITH per AS (SELECT origin, avg(delay) AS d FROM flights GROUP BY origin) SELECT origin, d FROM per WHERE d > (SELECT avg(d) FROM per)',
  // airports
  'SELECT state, count(*), round(avg(latitude), 4), max(longitude) FROM airports WHERE country = \'USA\' GROUP BY state',
  'SELECT city, state FROM airports WHERE name LIKE \'%International%\' AND latitude BETWEEN 30 AND 40',
  'SELECT upper(substr(name, 1, 5)), length(name), iata FROM airports WHERE state = \'HI\'',
  'SELECT country, count(*) FROM airports GROUP BY country',
  // cars
  'SELECT origin, cylinders, count(*), avg(mpg), avg(horsepower) FROM cars GROUP BY origin, cylinders',
  'SELECT extract(year FROM year) AS y, round(avg(weight), 1), max(acceleration) FROM cars GROUP BY 1',
  'SELECT name, mpg FROM cars WHERE mpg IS NOT NULL ORDER BY mpg DESC, name LIMIT 10',
  'SELECT name FROM cars WHERE horsepower IS NULL OR mpg IS NULL',
  'SELECT origin, name, weight, row_number() OVER (PARTITION BY origin ORDER BY weight DESC, name) AS rn FROM cars QUALIFY rn <= 2',
  'SELECT cylinders, min(displacement), max(displacement), sum(weight) / count(*) FROM cars GROUP BY cylinders ORDER BY cylinders',
  'SELECT name, mpg, lag(mpg) OVER (ORDER BY name, weight) AS prev FROM cars WHERE origin = \'Japan\'',
  'SELECT c.name, c.mpg FROM cars c WHERE c.mpg > (SELECT avg(mpg) FROM cars d WHERE d.origin = c.origin AND d.cylinders = c.cylinders)',
  'SELECT origin, string_agg(DISTINCT CAST(cylinders AS VARCHAR), \',\' ORDER BY CAST(cylinders AS VARCHAR)) FROM cars GROUP BY origin',
  // movies
  'SELECT genre, count(*), avg(imdb_rating), sum(worldwide_gross) FROM movies GROUP BY genre',
  'SELECT rating, count(*) FILTER (WHERE rotten_tomatoes >= 80), count(*) FROM movies GROUP BY rating',
  'SELECT extract(year FROM release_date) AS y, count(*), max(us_gross) FROM movies WHERE release_date IS NOT NULL GROUP BY 1',
  'SELECT title, worldwide_gross - budget AS profit FROM movies WHERE budget > 100000000 ORDER BY profit DESC, title LIMIT 10',
  'SELECT director, count(*) AS n, avg(imdb_rating) FROM movies WHERE director IS NOT NULL GROUP BY director HAVING count(*) >= 5',
  'SELECT distributor, genre, count(*) FROM movies WHERE distributor IN (\'Warner Bros.\', \'Universal\', \'Paramount Pictures\') GROUP BY ALL',
  'SELECT title FROM movies WHERE lower(title) LIKE \'the %\' AND imdb_rating >= 8',
  'SELECT creative_type, coalesce(genre, \'(none)\') AS g, count(*) FROM movies GROUP BY 1, 2',
  'SELECT title, imdb_votes, dense_rank() OVER (ORDER BY imdb_votes DESC) AS r FROM movies WHERE imdb_votes IS NOT NULL QUALIFY r <= 10',
  'SELECT genre, title, worldwide_gross FROM movies m WHERE worldwide_gross = (SELECT max(worldwide_gross) FROM movies n WHERE n.genre = m.genre)',
  'SELECT count(*) FROM movies WHERE rotten_tomatoes IS NULL AND imdb_rating IS NULL',
  'SELECT CASE WHEN running_time < 90 THEN \'short\' WHEN running_time < 120 THEN \'medium\' ELSE \'long\' END AS len, count(*), avg(imdb_rating) FROM movies WHERE running_time IS NOT NULL GROUP BY 1',
  // weather
  'SELECT location, weather, count(*) FROM weather GROUP BY location, weather',
  'SELECT location, extract(year FROM date) AS y, round(avg(temp_max), 2), sum(precipitation) FROM weather GROUP BY 1, 2',
  'SELECT location, date, temp_max FROM weather w WHERE temp_max = (SELECT max(temp_max) FROM weather v WHERE v.location = w.location)',
  'SELECT location, date, avg(temp_max) OVER (PARTITION BY location ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS week_avg FROM weather WHERE date < DATE \'2012-02-01\'',
  'SELECT a.date, a.temp_max - b.temp_max AS diff FROM weather a JOIN weather b ON a.date = b.date AND a.location = \'Seattle\' AND b.location = \'New York\' WHERE a.date BETWEEN DATE \'2013-07-01\' AND DATE \'2013-07-31\'',
  'SELECT extract(month FROM date) AS m, count(*) FILTER (WHERE weather = \'rain\'), count(*) FILTER (WHERE weather = \'sun\') FROM weather WHERE location = \'Seattle\' GROUP BY 1',
  // stocks
  'SELECT symbol, min(price), max(price), avg(price), count(*) FROM stocks GROUP BY symbol',
  'SELECT symbol, date, price, price - lag(price) OVER (PARTITION BY symbol ORDER BY date) AS change FROM stocks WHERE symbol IN (\'AAPL\', \'IBM\')',
  'SELECT symbol, extract(year FROM date) AS y, first_value(price) OVER (PARTITION BY symbol, extract(year FROM date) ORDER BY date) AS open_price FROM stocks',
  'SELECT s.date, s.price AS msft, t.price AS ibm FROM stocks s JOIN stocks t ON s.date = t.date WHERE s.symbol = \'MSFT\' AND t.symbol = \'IBM\' AND s.price > t.price',
  'SELECT symbol, date FROM stocks s WHERE price = (SELECT max(price) FROM stocks t WHERE t.symbol = s.symbol)',
  // penguins
  'SELECT species, island, count(*), avg(body_mass), avg(flipper_length) FROM penguins GROUP BY species, island',
  'SELECT species, sex, round(avg(beak_length), 3), round(avg(beak_depth), 3) FROM penguins WHERE sex IS NOT NULL GROUP BY ALL',
  'SELECT species, count(*) FILTER (WHERE body_mass > 4500) * 1.0 / count(*) AS share_heavy FROM penguins GROUP BY species',
  // gapminder
  'SELECT year, sum(pop), avg(life_expect), avg(fertility) FROM gapminder GROUP BY year',
  'SELECT country, max(life_expect) - min(life_expect) AS gain FROM gapminder GROUP BY country ORDER BY gain DESC, country LIMIT 10',
  'SELECT cluster, year, country, life_expect FROM gapminder g WHERE life_expect = (SELECT max(life_expect) FROM gapminder h WHERE h.cluster = g.cluster AND h.year = g.year)',
  'SELECT a.country, a.pop, b.pop, b.pop - a.pop FROM gapminder a JOIN gapminder b USING (country) WHERE a.year = 1955 AND b.year = 2005',
  'SELECT year FROM gapminder UNION SELECT CAST(extract(year FROM release_date) AS INTEGER) FROM movies WHERE release_date < DATE \'1960-01-01\'',
  'SELECT country, year, pop, pop - lag(pop) OVER (PARTITION BY country ORDER BY year) AS growth FROM gapminder WHERE cluster = 3',
];

let dbs: Databases;

beforeAll(async () => {
  dbs = await openBoth('gyre-vega-');
  await loadVega(dbs.duck, dbs.gyre);
}, 300_000);

afterAll(async () => dbs.close());

describe('vega-datasets: gyre and DuckDB agree', () => {
  it(`has at least 50 queries (${VEGA_QUERIES.length})`, () => expect(VEGA_QUERIES.length).toBeGreaterThanOrEqual(50));
  VEGA_QUERIES.forEach((sql, i) => {
    it(`q${String(i + 1).padStart(2, '0')}: ${sql.slice(0, 90)}`, async () => {
      const r = await compare(dbs, { kind: 'vega', sql });
      expect(r.mismatch).toBeNull();
    });
  });
});
