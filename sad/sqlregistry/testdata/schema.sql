-- A minimal population register, as an APR product might keep it. The same
-- file creates it in PostgreSQL and in SQLite.
CREATE TABLE residents (
	cf               VARCHAR(16) PRIMARY KEY,
	apr_id           VARCHAR(30),
	surname          VARCHAR(200) NOT NULL,
	given_names      VARCHAR(200) NOT NULL,
	sex              CHAR(1) NOT NULL,
	birth_date       DATE NOT NULL,
	birth_istat      VARCHAR(6),
	birth_name       VARCHAR(100),
	birth_prov       CHAR(2),
	birth_state      VARCHAR(3),
	birth_state_name VARCHAR(100),
	birth_locality   VARCHAR(200),
	citizenship      VARCHAR(3),
	citizenship_name VARCHAR(100),
	marital_status   CHAR(1),
	res_istat        VARCHAR(6),
	res_name         VARCHAR(100),
	res_prov         CHAR(2),
	address          VARCHAR(200),
	cap              VARCHAR(5),
	aire             BOOLEAN NOT NULL DEFAULT FALSE,
	valid_for_travel BOOLEAN,
	resident         BOOLEAN NOT NULL DEFAULT TRUE,
	father_surname   VARCHAR(200),
	father_names     VARCHAR(200),
	father_cf        VARCHAR(16),
	mother_surname   VARCHAR(200),
	mother_names     VARCHAR(200),
	mother_cf        VARCHAR(16),
	card_number      VARCHAR(20),
	card_type        VARCHAR(20),
	card_issued      DATE,
	card_expires     DATE
);
CREATE INDEX residents_name ON residents (surname, given_names, birth_date);

CREATE TABLE cards (
	number     VARCHAR(20) PRIMARY KEY,
	cf         VARCHAR(16) NOT NULL REFERENCES residents (cf),
	issued     DATE,
	expires    DATE,
	state      VARCHAR(10) NOT NULL,
	event_date DATE,
	reason     VARCHAR(240),
	request_id VARCHAR(30)
);
