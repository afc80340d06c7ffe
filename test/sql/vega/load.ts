/**
 * vega-datasets tables (real data no one here wrote) loaded into DuckDB from the package's
 * files with explicit column types, then copied into gyre tables through Arrow (so both engines
 * hold exactly the same typed values).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { DuckDBConnection } from '@duckdb/node-api';
import { Field, Int64, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

import type { Database } from '../../../index.js';
import { typeName } from '../../../logical/functions.js';
import { fromDuckDB } from '../../../storage/duckdb/api.js';

// The package exports only its JS build: the data files are found next to it in node_modules.
const dataDir = fileURLToPath(new URL('../../../node_modules/vega-datasets/data', import.meta.url));
const f = (name: string): string => `'${join(dataDir, name)}'`;

/** DuckDB statements creating each table from the vega-datasets files. */
export const VEGA_TABLES: Readonly<Record<string, string>> = {
  flights: `SELECT strptime(date, '%Y/%m/%d %H:%M') AS ts, delay, distance, origin, destination
    FROM read_json(${f('flights-20k.json')}, columns = {date: 'VARCHAR', delay: 'INTEGER', distance: 'INTEGER', origin: 'VARCHAR', destination: 'VARCHAR'})`,
  airports: `SELECT * FROM read_csv(${f('airports.csv')}, header = true, columns = {iata: 'VARCHAR', name: 'VARCHAR', city: 'VARCHAR', state: 'VARCHAR', country: 'VARCHAR', latitude: 'DOUBLE', longitude: 'DOUBLE'})`,
  cars: `SELECT "Name" AS name, "Miles_per_Gallon" AS mpg, "Cylinders" AS cylinders, "Displacement" AS displacement, "Horsepower" AS horsepower,
      "Weight_in_lbs" AS weight, "Acceleration" AS acceleration, CAST("Year" AS DATE) AS year, "Origin" AS origin
    FROM read_json(${f('cars.json')}, columns = {Name: 'VARCHAR', Miles_per_Gallon: 'DOUBLE', Cylinders: 'INTEGER', Displacement: 'DOUBLE', Horsepower: 'DOUBLE', Weight_in_lbs: 'INTEGER', Acceleration: 'DOUBLE', Year: 'VARCHAR', Origin: 'VARCHAR'})`,
  movies: `SELECT "Title" AS title, "US Gross" AS us_gross, "Worldwide Gross" AS worldwide_gross, "Production Budget" AS budget,
      CAST(try_strptime("Release Date", '%b %d %Y') AS DATE) AS release_date, "MPAA Rating" AS rating, "Running Time min" AS running_time,
      "Distributor" AS distributor, "Major Genre" AS genre, "Creative Type" AS creative_type, "Director" AS director,
      "Rotten Tomatoes Rating" AS rotten_tomatoes, "IMDB Rating" AS imdb_rating, "IMDB Votes" AS imdb_votes
    FROM read_json(${f('movies.json')}, columns = {"Title": 'VARCHAR', "US Gross": 'DOUBLE', "Worldwide Gross": 'DOUBLE', "US DVD Sales": 'DOUBLE', "Production Budget": 'DOUBLE',
      "Release Date": 'VARCHAR', "MPAA Rating": 'VARCHAR', "Running Time min": 'INTEGER', "Distributor": 'VARCHAR', "Source": 'VARCHAR', "Major Genre": 'VARCHAR',
      "Creative Type": 'VARCHAR', "Director": 'VARCHAR', "Rotten Tomatoes Rating": 'INTEGER', "IMDB Rating": 'DOUBLE', "IMDB Votes": 'INTEGER'})`,
  weather: `SELECT * FROM read_csv(${f('weather.csv')}, header = true, columns = {location: 'VARCHAR', date: 'DATE', precipitation: 'DOUBLE', temp_max: 'DOUBLE', temp_min: 'DOUBLE', wind: 'DOUBLE', weather: 'VARCHAR'})`,
  stocks: `SELECT symbol, CAST(strptime(date, '%b %d %Y') AS DATE) AS date, price
    FROM read_csv(${f('stocks.csv')}, header = true, columns = {symbol: 'VARCHAR', date: 'VARCHAR', price: 'DOUBLE'})`,
  penguins: `SELECT "Species" AS species, "Island" AS island, "Beak Length (mm)" AS beak_length, "Beak Depth (mm)" AS beak_depth,
      "Flipper Length (mm)" AS flipper_length, "Body Mass (g)" AS body_mass, "Sex" AS sex
    FROM read_json(${f('penguins.json')}, columns = {"Species": 'VARCHAR', "Island": 'VARCHAR', "Beak Length (mm)": 'DOUBLE', "Beak Depth (mm)": 'DOUBLE',
      "Flipper Length (mm)": 'INTEGER', "Body Mass (g)": 'INTEGER', "Sex": 'VARCHAR'})`,
  gapminder: `SELECT year, country, cluster, pop, life_expect, fertility
    FROM read_json(${f('gapminder.json')}, columns = {year: 'INTEGER', country: 'VARCHAR', cluster: 'INTEGER', pop: 'BIGINT', life_expect: 'DOUBLE', fertility: 'DOUBLE'})`,
};

/** Creates every table in DuckDB, then the same tables (no primary key) in gyre with the same rows. */
export async function loadVega(duck: DuckDBConnection, db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, select] of Object.entries(VEGA_TABLES)) {
    await duck.run(`CREATE TABLE ${name} AS ${select}`);
    const batches: RecordBatch[] = [];
    for await (const b of await fromDuckDB(duck, `SELECT * FROM ${name}`)) batches.push(b);
    const schema = batches[0]!.schema;
    await (await db.sql(`CREATE TABLE ${name} (${schema.fields.map((x) => `"${x.name}" ${typeName(x.type)}`).join(', ')})`)).toArrow();
    const table = await db.table(name);
    let next = 1n;
    const withRowId = batches.map((b) => {
      const ids = BigInt64Array.from({ length: b.numRows }, () => next++);
      const fields = [new Field('_rowid', new Int64(), false), ...b.schema.fields];
      const id = makeData({ type: new Int64(), length: b.numRows, nullCount: 0, data: ids });
      return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: [id, ...b.data.children] }));
    });
    await table.write(withRowId);
    counts[name] = withRowId.reduce((n, b) => n + b.numRows, 0);
  }
  return counts;
}
