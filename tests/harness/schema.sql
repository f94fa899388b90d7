-- WHMCS tables used by addon and server modules, with the column names from
-- /work/shared/whmcs-reference.md section 3. WHMCS publishes no DDL, so the SQL
-- types are the harness's choice (TEXT where WHMCS stores free text, as the
-- reference notes for domain/dedicatedip/assignedips). WHMCS has no foreign keys.
-- Every statement is idempotent so configure.php can run it on an existing database.

CREATE TABLE IF NOT EXISTS tblclients (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid VARCHAR(64) NOT NULL DEFAULT '',
  firstname TEXT NOT NULL,
  lastname TEXT NOT NULL,
  companyname TEXT NOT NULL,
  email TEXT NOT NULL,
  address1 TEXT NOT NULL,
  address2 TEXT NOT NULL,
  city TEXT NOT NULL,
  state TEXT NOT NULL,
  postcode TEXT NOT NULL,
  country TEXT NOT NULL,
  phonenumber TEXT NOT NULL,
  tax_id VARCHAR(128) NOT NULL DEFAULT '',
  password TEXT NOT NULL,
  currency INT NOT NULL DEFAULT 1,
  defaultgateway TEXT NOT NULL,
  credit DECIMAL(16,2) NOT NULL DEFAULT 0,
  taxexempt TINYINT(1) NOT NULL DEFAULT 0,
  latefeeoveride TINYINT(1) NOT NULL DEFAULT 0,
  overideduenotices TINYINT(1) NOT NULL DEFAULT 0,
  separateinvoices TINYINT(1) NOT NULL DEFAULT 0,
  disableautocc TINYINT(1) NOT NULL DEFAULT 0,
  datecreated DATE NOT NULL DEFAULT '2000-01-01',
  notes TEXT NOT NULL,
  billingcid INT NOT NULL DEFAULT 0,
  groupid INT NOT NULL DEFAULT 0,
  status ENUM('Active','Inactive','Closed') NOT NULL DEFAULT 'Active',
  language TEXT NOT NULL,
  emailoptout TINYINT(1) NOT NULL DEFAULT 0,
  marketing_emails_opt_in TINYINT(1) NOT NULL DEFAULT 0,
  overrideautoclose TINYINT(1) NOT NULL DEFAULT 0,
  email_verified TINYINT(1) NOT NULL DEFAULT 0,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY email (email(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblproductgroups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL,
  slug VARCHAR(128) NOT NULL DEFAULT '',
  headline TEXT NOT NULL,
  tagline TEXT NOT NULL,
  orderfrmtpl TEXT NOT NULL,
  disabledgateways TEXT NOT NULL,
  hidden TINYINT(1) NOT NULL DEFAULT 0,
  `order` INT NOT NULL DEFAULT 0,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblproducts (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type ENUM('hostingaccount','reselleraccount','server','other') NOT NULL DEFAULT 'other',
  gid INT NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  slug VARCHAR(128) NOT NULL DEFAULT '',
  description TEXT NOT NULL,
  hidden TINYINT(1) NOT NULL DEFAULT 0,
  showdomainoptions TINYINT(1) NOT NULL DEFAULT 0,
  welcomeemail INT NOT NULL DEFAULT 0,
  stockcontrol TINYINT(1) NOT NULL DEFAULT 0,
  qty INT NOT NULL DEFAULT 0,
  proratabilling TINYINT(1) NOT NULL DEFAULT 0,
  proratadate INT NOT NULL DEFAULT 0,
  proratachargenextmonth INT NOT NULL DEFAULT 0,
  paytype TEXT NOT NULL,
  allowqty INT NOT NULL DEFAULT 0,
  subdomain TEXT NOT NULL,
  autosetup TEXT NOT NULL,
  servertype TEXT NOT NULL,
  servergroup INT NOT NULL DEFAULT 0,
  configoption1 TEXT NOT NULL, configoption2 TEXT NOT NULL, configoption3 TEXT NOT NULL,
  configoption4 TEXT NOT NULL, configoption5 TEXT NOT NULL, configoption6 TEXT NOT NULL,
  configoption7 TEXT NOT NULL, configoption8 TEXT NOT NULL, configoption9 TEXT NOT NULL,
  configoption10 TEXT NOT NULL, configoption11 TEXT NOT NULL, configoption12 TEXT NOT NULL,
  configoption13 TEXT NOT NULL, configoption14 TEXT NOT NULL, configoption15 TEXT NOT NULL,
  configoption16 TEXT NOT NULL, configoption17 TEXT NOT NULL, configoption18 TEXT NOT NULL,
  configoption19 TEXT NOT NULL, configoption20 TEXT NOT NULL, configoption21 TEXT NOT NULL,
  configoption22 TEXT NOT NULL, configoption23 TEXT NOT NULL, configoption24 TEXT NOT NULL,
  tax TINYINT(1) NOT NULL DEFAULT 0,
  `order` INT NOT NULL DEFAULT 0,
  retired TINYINT(1) NOT NULL DEFAULT 0,
  is_featured TINYINT(1) NOT NULL DEFAULT 0,
  color VARCHAR(16) NOT NULL DEFAULT '',
  tagline TEXT NOT NULL,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY gid (gid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblservers (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL,
  ipaddress TEXT NOT NULL,
  assignedips TEXT NOT NULL,
  hostname TEXT NOT NULL,
  monthlycost DECIMAL(16,2) NOT NULL DEFAULT 0,
  noc TEXT NOT NULL,
  statusaddress TEXT NOT NULL,
  nameserver1 TEXT NOT NULL,
  nameserver1ip TEXT NOT NULL,
  nameserver2 TEXT NOT NULL,
  nameserver2ip TEXT NOT NULL,
  maxaccounts INT NOT NULL DEFAULT 0,
  type TEXT NOT NULL,
  username TEXT NOT NULL,
  password TEXT NOT NULL,
  accesshash TEXT NOT NULL,
  secure TEXT NOT NULL,
  port INT NULL DEFAULT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  disabled TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblservergroups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL,
  filltype INT NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblservergroupsrel (
  groupid INT NOT NULL,
  serverid INT NOT NULL,
  KEY groupid (groupid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblhosting (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  userid INT NOT NULL,
  orderid INT NOT NULL DEFAULT 0,
  packageid INT NOT NULL,
  server INT NOT NULL DEFAULT 0,
  regdate DATE NOT NULL DEFAULT '2000-01-01',
  domain TEXT NOT NULL,
  paymentmethod TEXT NOT NULL,
  qty INT NOT NULL DEFAULT 1,
  firstpaymentamount DECIMAL(16,2) NOT NULL DEFAULT 0,
  amount DECIMAL(16,2) NOT NULL DEFAULT 0,
  billingcycle TEXT NOT NULL,
  nextduedate DATE NULL DEFAULT NULL,
  nextinvoicedate DATE NULL DEFAULT NULL,
  termination_date DATE NULL DEFAULT NULL,
  domainstatus ENUM('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
  username TEXT NOT NULL,
  password TEXT NOT NULL,
  notes TEXT NOT NULL,
  subscriptionid TEXT NOT NULL,
  promoid INT NOT NULL DEFAULT 0,
  suspendreason TEXT NOT NULL,
  overideautosuspend TINYINT(1) NOT NULL DEFAULT 0,
  overidesuspenduntil DATE NULL DEFAULT NULL,
  dedicatedip TEXT NOT NULL,
  assignedips TEXT NOT NULL,
  ns1 TEXT NOT NULL,
  ns2 TEXT NOT NULL,
  diskusage INT NOT NULL DEFAULT 0,
  disklimit INT NOT NULL DEFAULT 0,
  bwusage INT NOT NULL DEFAULT 0,
  bwlimit INT NOT NULL DEFAULT 0,
  lastupdate DATETIME NULL DEFAULT NULL,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY userid (userid),
  KEY packageid (packageid),
  KEY server (server),
  KEY domainstatus (domainstatus),
  KEY domain (domain(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tbladminroles (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL,
  widgets TEXT NOT NULL,
  reports TEXT NOT NULL,
  systememails TINYINT(1) NOT NULL DEFAULT 0,
  accountemails TINYINT(1) NOT NULL DEFAULT 0,
  supportemails TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tbladmins (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid VARCHAR(64) NOT NULL DEFAULT '',
  roleid INT NOT NULL,
  username TEXT NOT NULL,
  password VARCHAR(255) NOT NULL DEFAULT '',
  firstname TEXT NOT NULL,
  lastname TEXT NOT NULL,
  email TEXT NOT NULL,
  signature TEXT NOT NULL,
  notes TEXT NOT NULL,
  template TEXT NOT NULL,
  language TEXT NOT NULL,
  disabled TINYINT(1) NOT NULL DEFAULT 0,
  loginattempts INT NOT NULL DEFAULT 0,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY username (username(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per setting: every _config field key, plus `version` and `access` (reference 1.6).
CREATE TABLE IF NOT EXISTS tbladdonmodules (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  module TEXT NOT NULL,
  setting TEXT NOT NULL,
  value TEXT NOT NULL,
  KEY module (module(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblcustomfields (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TEXT NOT NULL,
  relid INT NOT NULL DEFAULT 0,
  fieldname TEXT NOT NULL,
  fieldtype TEXT NOT NULL,
  description TEXT NOT NULL,
  fieldoptions TEXT NOT NULL,
  regexpr TEXT NOT NULL,
  adminonly TEXT NOT NULL,
  required TEXT NOT NULL,
  showorder TEXT NOT NULL,
  showinvoice TEXT NOT NULL,
  sortorder INT NOT NULL DEFAULT 0,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY relid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblcustomfieldsvalues (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  fieldid INT NOT NULL,
  relid INT NOT NULL,
  value TEXT NOT NULL,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL,
  KEY fieldid_relid (fieldid, relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tbladdons (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  packages TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  billingcycle TEXT NOT NULL,
  tax TINYINT(1) NOT NULL DEFAULT 0,
  showorder TINYINT(1) NOT NULL DEFAULT 0,
  downloads TEXT NOT NULL,
  autoactivate TEXT NOT NULL,
  suspendproduct TINYINT(1) NOT NULL DEFAULT 0,
  welcomeemail INT NOT NULL DEFAULT 0,
  weight INT NOT NULL DEFAULT 0,
  module TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblhostingaddons (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  orderid INT NOT NULL DEFAULT 0,
  hostingid INT NOT NULL,
  addonid INT NOT NULL DEFAULT 0,
  userid INT NOT NULL DEFAULT 0,
  qty INT NOT NULL DEFAULT 1,
  name TEXT NOT NULL,
  setupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  recurring DECIMAL(16,2) NOT NULL DEFAULT 0,
  billingcycle TEXT NOT NULL,
  tax TEXT NOT NULL,
  status ENUM('Pending','Active','Suspended','Terminated','Cancelled','Fraud') NOT NULL DEFAULT 'Pending',
  regdate DATE NOT NULL DEFAULT '2000-01-01',
  nextduedate DATE NULL DEFAULT NULL,
  nextinvoicedate DATE NULL DEFAULT NULL,
  paymentmethod TEXT NOT NULL,
  notes TEXT NOT NULL,
  KEY hostingid (hostingid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblproductconfiggroups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblproductconfiglinks (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  gid INT NOT NULL,
  pid INT NOT NULL,
  KEY pid (pid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- optiontype: 1 Dropdown, 2 Radio, 3 Yes/No, 4 Quantity (reference section 8).
CREATE TABLE IF NOT EXISTS tblproductconfigoptions (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  gid INT NOT NULL,
  optionname TEXT NOT NULL,
  optiontype INT NOT NULL,
  qtyminimum INT NOT NULL DEFAULT 0,
  qtymaximum INT NOT NULL DEFAULT 0,
  `order` INT NOT NULL DEFAULT 0,
  hidden TINYINT(1) NOT NULL DEFAULT 0,
  KEY gid (gid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblproductconfigoptionssub (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  configid INT NOT NULL,
  optionname TEXT NOT NULL,
  sortorder INT NOT NULL DEFAULT 0,
  hidden TINYINT(1) NOT NULL DEFAULT 0,
  KEY configid (configid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblhostingconfigoptions (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  relid INT NOT NULL,
  configid INT NOT NULL,
  optionid INT NOT NULL DEFAULT 0,
  qty INT NOT NULL DEFAULT 0,
  KEY relid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- -1.00 marks a disabled billing cycle, as in the GetProducts API example.
CREATE TABLE IF NOT EXISTS tblpricing (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type VARCHAR(32) NOT NULL,
  currency INT NOT NULL,
  relid INT NOT NULL,
  msetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  qsetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  ssetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  asetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  bsetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  tsetupfee DECIMAL(16,2) NOT NULL DEFAULT 0,
  monthly DECIMAL(16,2) NOT NULL DEFAULT -1,
  quarterly DECIMAL(16,2) NOT NULL DEFAULT -1,
  semiannually DECIMAL(16,2) NOT NULL DEFAULT -1,
  annually DECIMAL(16,2) NOT NULL DEFAULT -1,
  biennially DECIMAL(16,2) NOT NULL DEFAULT -1,
  triennially DECIMAL(16,2) NOT NULL DEFAULT -1,
  KEY type_relid (type, relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblcurrencies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(8) NOT NULL,
  prefix VARCHAR(16) NOT NULL DEFAULT '',
  suffix VARCHAR(16) NOT NULL DEFAULT '',
  format INT NOT NULL DEFAULT 1,
  rate DECIMAL(10,5) NOT NULL DEFAULT 1,
  `default` TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblconfiguration (
  setting VARCHAR(64) NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblemailtemplates (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  attachments TEXT NOT NULL,
  fromname TEXT NOT NULL,
  fromemail TEXT NOT NULL,
  disabled TINYINT(1) NOT NULL DEFAULT 0,
  custom TINYINT(1) NOT NULL DEFAULT 0,
  language TEXT NOT NULL,
  copyto TEXT NOT NULL,
  plaintext TINYINT(1) NOT NULL DEFAULT 0,
  created_at TIMESTAMP NULL DEFAULT NULL,
  updated_at TIMESTAMP NULL DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblactivitylog (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  date DATETIME NOT NULL,
  description TEXT NOT NULL,
  user TEXT NOT NULL,
  userid INT NOT NULL DEFAULT 0,
  user_id INT NOT NULL DEFAULT 0,
  admin_id INT NOT NULL DEFAULT 0,
  ipaddr TEXT NOT NULL,
  KEY userid (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tblmodulelog (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  date DATETIME NOT NULL,
  module TEXT NOT NULL,
  action TEXT NOT NULL,
  request MEDIUMTEXT NOT NULL,
  response MEDIUMTEXT NOT NULL,
  arrdata MEDIUMTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Harness-only: what localAPI SendEmail/SendAdminEmail would have sent.
CREATE TABLE IF NOT EXISTS harness_emails (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  command VARCHAR(32) NOT NULL,
  messagename TEXT NOT NULL,
  relid INT NOT NULL DEFAULT 0,
  params MEDIUMTEXT NOT NULL,
  created_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Harness-only: every call into the sampleserver module with its full params (JSON).
CREATE TABLE IF NOT EXISTS harness_module_calls (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  action VARCHAR(32) NOT NULL,
  serviceid INT NOT NULL,
  params MEDIUMTEXT NOT NULL,
  created_at DATETIME NOT NULL,
  KEY serviceid (serviceid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
